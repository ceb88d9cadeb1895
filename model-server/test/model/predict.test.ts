import test from 'ava';
import path from 'node:path';
import { modelFromArtifact } from '../../src/model/load.js';
import { validateRecords } from '../../src/model/validate-records.js';
import { readDataset } from '../../src/train/dataset.js';
import { dataDir, trainShipped } from './helpers.js';

const courseModel = async () => modelFromArtifact((await trainShipped('course-gbm')).artifact);
const house = () => ({
  LotArea: 11622,
  OverallQual: 5,
  YearRemodAdd: 1961,
  BsmtQual: 'TA',
  BsmtFinSF1: 468,
  TotalBsmtSF: 882,
  '1stFlrSF': 896,
  '2ndFlrSF': 0,
  GrLivArea: 896,
  GarageCars: 1,
  YrSold: 2010,
});

test('test.csv: records missing an NA-not-allowed value are left out with their index, as the course did', async (t) => {
  const model = await courseModel();
  const { rows } = await readDataset(path.join(dataDir, 'test.csv'), {});
  const validated = validateRecords(rows, { naNotAllowed: model.naNotAllowed });
  if (!validated.ok) return t.fail(JSON.stringify(validated.errors.slice(0, 3)));
  const batch = model.predict(validated.records);
  const leftOut = batch.predictions.flatMap((p, i) => (p === null ? [i] : []));
  const expected = validated.records.flatMap((r, i) =>
    model.naNotAllowed!.some((f) => r[f] === null) ? [i] : [],
  );
  t.is(batch.predictions.length, 1459);
  t.deepEqual(leftOut, expected);
  t.is(leftOut.length, 2); // the course: 1459 records, 1457 predicted
  t.deepEqual([...new Set(batch.errors.map((e) => e.index))], leftOut);
  t.true(batch.errors.every((e) => /left out/.test(e.reason) && model.naNotAllowed!.includes(e.field)));
  t.true(batch.predictions.every((p) => p === null || (p > 30_000 && p < 800_000)));
});

test('either spelling of a renamed field gives the same price', async (t) => {
  const model = await courseModel();
  const kaggle = house();
  const { '1stFlrSF': first, '2ndFlrSF': second, ...rest } = kaggle;
  const course = { ...rest, FirstFlrSF: first, SecondFlrSF: second };
  const batch = model.predict([kaggle, course]);
  t.deepEqual(batch.errors, []);
  t.is(batch.predictions[0], batch.predictions[1]);
});

test('gaps in imputed fields and unseen categories still get a price', async (t) => {
  const model = await courseModel();
  const [base, gap, unseen] = model.predict([
    house(),
    { ...house(), BsmtQual: null },
    { ...house(), BsmtQual: 'Palatial' },
  ]).predictions;
  t.truthy(base);
  // the course imputes BsmtQual with its most frequent value, TA, which this house already has
  t.is(gap, base);
  t.true(typeof unseen === 'number' && unseen > 0);
});

test('predict never throws for bad client data: it reports the record', async (t) => {
  const model = await courseModel();
  const batch = model.predict([
    { ...house(), GrLivArea: 'large' },
    house(),
    { ...house(), LotArea: undefined },
  ]);
  t.is(batch.predictions[0], null);
  t.is(typeof batch.predictions[1], 'number');
  t.is(batch.predictions[2], null);
  t.deepEqual(
    batch.errors.map((e) => [e.index, e.field]),
    [
      [0, 'GrLivArea'],
      [2, 'LotArea'],
    ],
  );
  t.deepEqual(model.predict([]), { predictions: [], errors: [] });
});

test('the log-target models undo the transform (prices in dollars)', async (t) => {
  const linear = modelFromArtifact((await trainShipped('linear-baseline')).artifact);
  const { rows } = await readDataset(path.join(dataDir, 'train.csv'), {});
  const batch = linear.predict(rows.slice(0, 20));
  const prices = batch.predictions.filter((p): p is number => p !== null);
  t.true(prices.length >= 18);
  const ratios = prices.map((p, i) => p / (rows[i].SalePrice as number));
  t.true(
    ratios.every((r) => r > 0.5 && r < 2),
    JSON.stringify(ratios),
  );
});
