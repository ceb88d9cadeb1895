import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import test from 'ava';
import { Registry } from 'prom-client';
import {
  INPUT_RECORDS_METRIC,
  TRAINING_BIN_RATIO_METRIC,
  inputBinsOf,
  registerInputMetrics,
} from '../../src/metrics/input-metrics.js';
import { ACCEPTED_PROMTOOL_FINDINGS } from '../../src/metrics/serve-metrics.js';
import { profileBins } from '../../src/model/profile-bins.js';
import type { NumericalProfile, TrainingProfile } from '../../src/model/profile.js';
import type { Model } from '../../src/model/types.js';
import { createLogger } from '../../src/serve/logger.js';
import { normalizeRecord } from '../../src/serve/record-normalizer.js';
import { realModel, testRecords, testServer } from './helpers.js';

const labels = { model_name: 'house-price', model_version: '0.1.0', variant: 'candidate' };

/** Series of one metric in a scrape, keyed `feature|bin`. */
function seriesOf(text: string, metric: string): Map<string, number> {
  const out = new Map<string, number>();
  const line = new RegExp(`^${metric}\\{.*feature="([^"]*)",bin="([^"]*)"\\} (\\S+)$`);
  for (const row of text.split('\n')) {
    const match = line.exec(row);
    if (match) out.set(`${match[1]}|${match[2]}`, Number(match[3]));
  }
  return out;
}

/** The profile without its training samples, as in artifacts trained before drift assessment. */
function withoutSamples(profile: TrainingProfile): TrainingProfile {
  const features = Object.fromEntries(
    Object.entries(profile.features).map(([name, p]) => {
      if (p.type !== 'numerical') return [name, p];
      const { sample: _dropped, ...rest } = p as NumericalProfile;
      return [name, rest];
    }),
  );
  return { ...profile, features };
}

test('every bin of every profiled feature is a series from the start: counts 0, training shares summing to 1', async (t) => {
  const model = await realModel();
  const bins = inputBinsOf(model.profile, (m) => t.fail(m));
  t.is(bins.length, Object.keys(model.profile.features).length);
  const registry = new Registry();
  registerInputMetrics(registry, labels, bins);
  const text = await registry.metrics();
  const counts = seriesOf(text, INPUT_RECORDS_METRIC);
  const ratios = seriesOf(text, TRAINING_BIN_RATIO_METRIC);
  const expected = bins.flatMap((f) => f.labels.map((bin) => `${f.feature}|${bin}`));
  t.deepEqual([...counts.keys()], expected);
  t.deepEqual([...ratios.keys()], expected);
  t.true([...counts.values()].every((v) => v === 0));
  for (const feature of bins) {
    const shares = feature.labels.map((bin) => ratios.get(`${feature.feature}|${bin}`)!);
    const sum = shares.reduce((a, b) => a + b, 0);
    t.true(Math.abs(sum - 1) < 1e-12, `${feature.feature}: shares sum to ${sum}`);
    const total = feature.trainingCounts.reduce((a, b) => a + b, 0);
    t.deepEqual(
      shares,
      feature.trainingCounts.map((n) => n / total),
    );
  }
  t.regex(
    text,
    /house_price_input_records_total\{model_name="house-price",model_version="0\.1\.0",variant="candidate",feature="LotArea",bin="[^"]+"\} 0/,
  );
});

test('each record counts once per feature, in the bin profileBins puts its value in', async (t) => {
  const model = await realModel();
  const bins = inputBinsOf(model.profile, (m) => t.fail(m));
  const registry = new Registry();
  const inputs = registerInputMetrics(registry, labels, bins);
  const records = (await testRecords()).slice(0, 300).map((r) => normalizeRecord(r)!);
  inputs.observeRecords(records.slice(0, 100));
  inputs.observeRecords(records.slice(100));
  const first = seriesOf(await registry.metrics(), INPUT_RECORDS_METRIC);
  const expected = new Map<string, number>();
  for (const feature of bins) {
    feature.labels.forEach((bin) => expected.set(`${feature.feature}|${bin}`, 0));
    for (const record of records) {
      const key = `${feature.feature}|${feature.labels[feature.binOf(record[feature.feature])]}`;
      expected.set(key, expected.get(key)! + 1);
    }
  }
  t.deepEqual(first, expected);
  // Counts published at one scrape are not added again at the next.
  inputs.observeRecords(records.slice(0, 1));
  const second = seriesOf(await registry.metrics(), INPUT_RECORDS_METRIC);
  let added = 0;
  for (const [key, value] of second) added += value - first.get(key)!;
  t.is(added, bins.length);
});

test('an artifact without training samples: one warning, no input series, predictions still served', async (t) => {
  const model = await realModel();
  const old: Model = Object.assign(Object.create(Object.getPrototypeOf(model) as object) as Model, model, {
    profile: withoutSamples(model.profile),
  });
  const warnings: string[] = [];
  t.deepEqual(
    inputBinsOf(old.profile, (m) => warnings.push(m)),
    [],
  );
  t.is(warnings.length, 1);
  t.regex(warnings[0], /no training sample: the artifact predates drift assessment/);
  t.deepEqual(
    inputBinsOf(undefined, (m) => warnings.push(m)),
    [],
    'a stand-in model without a profile',
  );
  t.is(warnings.length, 1, 'which is not worth a warning');

  const registry = new Registry();
  const logged: { level: string; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') logged.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'info', inputs: false, redact: [] }, stream);
  const app = await testServer({ model: old, registry, logger });
  const houses = await testRecords();
  for (let i = 0; i < 2; i++) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/predictions',
      payload: houses.slice(0, 3),
    });
    t.is(response.statusCode, 200);
  }
  const warned = logged.filter((line) => line.level === 'warn');
  t.is(warned.length, 1, 'one warning, at start');
  t.regex(warned[0].msg, /live input distributions are not exported: .*retrain it/);
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  t.is(seriesOf(text, INPUT_RECORDS_METRIC).size, 0);
  t.is(seriesOf(text, TRAINING_BIN_RATIO_METRIC).size, 0);
  t.regex(text, /house_price_prediction_dollars_count\{[^}]*\} 6/);
  await app.close();
});

test('a bin label used twice leaves that feature out (two bins would add up into one series)', (t) => {
  const profile: TrainingProfile = {
    rows: 4,
    features: {
      Street: { type: 'categorical', count: 4, missingRate: 0, frequencies: { Pave: 0.5, '(unseen)': 0.5 } },
      Alley: { type: 'categorical', count: 4, missingRate: 0, frequencies: { Grvl: 1 } },
    },
    prediction: {} as NumericalProfile,
  };
  const warnings: string[] = [];
  const bins = inputBinsOf(profile, (m) => warnings.push(m));
  t.deepEqual(
    bins.map((b) => b.feature),
    ['Alley'],
  );
  t.regex(warnings.join('\n'), /Street .* same label/);
});

test("the served app counts its requests' records, and the scrape passes promtool", async (t) => {
  const model = await realModel();
  const registry = new Registry();
  const app = await testServer({ model, registry, defaultMetrics: true });
  const houses = await testRecords();
  for (let i = 0; i < 5; i++) {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/predictions',
      payload: houses.slice(i * 20, i * 20 + 20),
    });
    t.is(response.statusCode, 200);
  }
  // A refused body counts nothing.
  await app.inject({ method: 'POST', url: '/v1/predictions', payload: [{ LotArea: 'big' }] });
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const counts = seriesOf(text, INPUT_RECORDS_METRIC);
  const bins = profileBins(model.profile);
  for (const feature of bins) {
    const total = feature.labels.reduce((n, bin) => n + counts.get(`${feature.feature}|${bin}`)!, 0);
    t.is(total, 100, feature.feature);
  }
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const findings = (result.stdout + result.stderr).split('\n').filter((line) => line !== '');
  t.deepEqual(findings, ACCEPTED_PROMTOOL_FINDINGS);
  await app.close();
});

test('the prediction histogram exists at zero before the first prediction', async (t) => {
  const app = await testServer({ registry: new Registry() });
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  t.regex(text, /house_price_prediction_dollars_bucket\{le="25000",[^}]*variant="candidate"\} 0/);
  t.regex(text, /house_price_prediction_dollars_count\{[^}]*\} 0/);
  await app.close();
});
