import { Writable } from 'node:stream';
import test from 'ava';
import { createLogger } from '../../src/serve/logger.js';
import { testServer } from './helpers.js';

/** A pino destination that keeps every line, parsed. */
function capture(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

const records = [{ GrLivArea: 1000, Neighborhood: 'NAmes' }, { Neighborhood: 'Gilbert' }];

test('one JSON line per prediction request: request id, model, variant, inputs, outputs', async (t) => {
  const { stream, lines } = capture();
  const app = await testServer({ logger: createLogger({ level: 'info', inputs: true, redact: [] }, stream) });
  await app.inject({
    method: 'POST',
    url: '/v1/predictions',
    payload: records,
    headers: { 'x-request-id': 'abc-1' },
  });
  await app.inject({ method: 'GET', url: '/health' });
  await app.inject({ method: 'POST', url: '/v1/predictions', payload: [{ GrLivArea: '1' }] });
  t.is(lines.length, 2, 'probes are not logged at info');
  const [prediction, rejected] = lines;
  t.like(prediction, {
    level: 'info',
    msg: 'prediction',
    service: 'model-server',
    request_id: 'abc-1',
    model_name: 'house-price',
    model_version: '0.0.1',
    variant: 'candidate',
    endpoint: '/v1/predictions',
    status: 200,
    records: 2,
  });
  t.deepEqual(prediction.inputs, records);
  t.deepEqual(prediction.outputs, [150_000, null]);
  t.is(typeof prediction.latency_ms, 'number');
  t.regex(String(prediction.time), /^\d{4}-\d\d-\d\dT/);
  t.like(rejected, { msg: 'request rejected', status: 400, model_version: '0.0.1' });
  t.regex(String(rejected.error), /GrLivArea: expected an integer/);
});

test('inputs can be left out of the log, or have fields redacted', async (t) => {
  const quiet = capture();
  const app = await testServer({
    logger: createLogger({ level: 'info', inputs: false, redact: [] }, quiet.stream),
    logInputs: false,
  });
  await app.inject({ method: 'POST', url: '/v1/predictions', payload: records });
  t.false('inputs' in quiet.lines[0]);
  t.deepEqual(quiet.lines[0].outputs, [150_000, null]);

  const redacted = capture();
  const other = await testServer({
    logger: createLogger(
      { level: 'info', inputs: true, redact: ['inputs[*].Neighborhood'] },
      redacted.stream,
    ),
  });
  await other.inject({ method: 'POST', url: '/v1/predictions', payload: records });
  t.deepEqual(redacted.lines[0].inputs, [
    { GrLivArea: 1000, Neighborhood: '[redacted]' },
    { Neighborhood: '[redacted]' },
  ]);
});
