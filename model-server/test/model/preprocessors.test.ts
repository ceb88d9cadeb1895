import test from 'ava';
import { CategoricalImputer } from '../../src/model/preprocess/categorical-imputer.js';
import { DropFeatures } from '../../src/model/preprocess/drop-features.js';
import { LogTransform } from '../../src/model/preprocess/log-transform.js';
import { MostFrequentImputer } from '../../src/model/preprocess/most-frequent-imputer.js';
import { OrdinalEncoder, UNKNOWN_CATEGORY_CODE } from '../../src/model/preprocess/ordinal-encoder.js';
import { Pipeline } from '../../src/model/preprocess/pipeline.js';
import { RareLabelEncoder } from '../../src/model/preprocess/rare-label-encoder.js';
import type { Row } from '../../src/model/preprocess/row.js';
import { TemporalVariable } from '../../src/model/preprocess/temporal-variable.js';
import { transformRows } from '../../src/model/preprocess/transformer.js';

const noTarget = new Float64Array(0);

test('most-frequent imputer fills gaps with the mode, ties going to the smallest value', (t) => {
  const rows: Row[] = [
    { a: 3, b: 'TA' },
    { a: 1, b: 'Gd' },
    { a: 3, b: 'Gd' },
    { a: 1, b: null },
    { a: null, b: 'TA' },
  ];
  const imputer = new MostFrequentImputer(['a', 'b']).fit(rows);
  t.deepEqual(imputer.params(), { type: 'most_frequent_imputer', fill: { a: 1, b: 'Gd' } });
  const out = transformRows(imputer, rows);
  t.deepEqual(
    out.map((r) => [r.a, r.b]),
    [
      [3, 'TA'],
      [1, 'Gd'],
      [3, 'Gd'],
      [1, 'Gd'],
      [1, 'TA'],
    ],
  );
  t.is(rows[4].a, null, 'input rows are left untouched');
  t.throws(() => new MostFrequentImputer(['c']).fit([{ c: null }]), {
    message: /no value in the training data/,
  });
});

test('categorical imputer writes "missing" and turns codes into labels', (t) => {
  const imputer = new CategoricalImputer(['q', 'cls']).fit();
  const row: Row = { q: null, cls: 20, other: null };
  imputer.transformRow(row);
  t.deepEqual(row, { q: 'missing', cls: '20', other: null });
});

test('temporal variable becomes the years elapsed at sale (YrSold - YearRemodAdd)', (t) => {
  const step = new TemporalVariable(['YearRemodAdd'], 'YrSold').fit();
  const row: Row = { YearRemodAdd: 2003, YrSold: 2008 };
  step.transformRow(row);
  t.is(row.YearRemodAdd, 5);
  t.is(row.YrSold, 2008);
});

test('rare-label encoder groups labels under tol only for variables with more than n categories', (t) => {
  // 6 categories; "F" is seen in 1 of 100 rows (< 2%): grouped. "few" has 3 categories: all kept.
  const rows: Row[] = [];
  const labels = [...'AAAAAAAAAABBBBBBBBBBCCCCCCCCCCDDDDDDDDDDEEEEEEEEEE'];
  for (let i = 0; i < 99; i++) rows.push({ many: labels[i % labels.length], few: ['x', 'y', 'z'][i % 3] });
  rows.push({ many: 'F', few: 'x' });
  const encoder = new RareLabelEncoder(['many', 'few'], 0.02, 5).fit(rows);
  t.deepEqual(encoder.frequentLabels('many').sort(), ['A', 'B', 'C', 'D', 'E']);
  t.deepEqual(encoder.frequentLabels('few').sort(), ['x', 'y', 'z']);
  const out = transformRows(encoder, [
    { many: 'F', few: 'z' },
    { many: 'A', few: 'unseen' },
  ]);
  t.deepEqual(out, [
    { many: 'Rare', few: 'z' },
    { many: 'A', few: 'Rare' },
  ]);
});

test('ordinal encoder: alphabetical codes like scikit-learn, unknown labels get a dedicated code', (t) => {
  const rows: Row[] = [{ q: 'TA' }, { q: 'Ex' }, { q: 'Gd' }, { q: 'Fa' }];
  const encoder = new OrdinalEncoder(['q'], 'alphabetical').fit(rows, new Float64Array([1, 4, 3, 2]));
  const out = transformRows(encoder, [
    { q: 'Ex' },
    { q: 'Fa' },
    { q: 'Gd' },
    { q: 'TA' },
    { q: 'Po' },
    { q: null },
  ]);
  t.deepEqual(
    out.map((r) => r.q),
    [0, 1, 2, 3, UNKNOWN_CATEGORY_CODE, UNKNOWN_CATEGORY_CODE],
  );
});

test('ordinal encoder "ordered" numbers categories by increasing mean target', (t) => {
  const rows: Row[] = [{ n: 'rich' }, { n: 'poor' }, { n: 'mid' }, { n: 'rich' }, { n: 'poor' }];
  const y = new Float64Array([300, 100, 200, 320, 90]);
  const encoder = new OrdinalEncoder(['n'], 'ordered').fit(rows, y);
  t.deepEqual(encoder.params(), {
    type: 'ordinal_encoder',
    method: 'ordered',
    mapping: { n: { poor: 0, mid: 1, rich: 2 } },
    unknownCode: -1,
  });
});

test('log transform and drop features', (t) => {
  const row: Row = { area: Math.E - 1, YrSold: 2008, keep: 1 };
  new LogTransform(['area']).fit().transformRow(row);
  new DropFeatures(['YrSold']).fit().transformRow(row);
  t.deepEqual(row, { area: 1, keep: 1 });
});

test('pipeline fits each step on the output of the previous ones and round-trips through params', (t) => {
  const rows: Row[] = [
    { Q: null, Year: 2000, YrSold: 2010, Area: null },
    { Q: 'Gd', Year: 1990, YrSold: 2007, Area: 100 },
    { Q: 'Ex', Year: 2005, YrSold: 2009, Area: 100 },
    { Q: 'Gd', Year: 1995, YrSold: 2006, Area: 50 },
  ];
  const pipeline = new Pipeline([
    new MostFrequentImputer(['Area']),
    new CategoricalImputer(['Q']),
    new TemporalVariable(['Year'], 'YrSold'),
    new RareLabelEncoder(['Q']),
    new OrdinalEncoder(['Q']),
    new DropFeatures(['YrSold']),
  ]);
  const fitted = pipeline.fitTransform(rows, noTarget);
  // "missing" was a category by the time the encoder was fitted: Ex, Gd, missing -> 0, 1, 2
  t.deepEqual(fitted[0], { Q: 2, Year: 10, Area: 100 });
  t.deepEqual(fitted[3], { Q: 1, Year: 11, Area: 50 });
  t.false('YrSold' in fitted[1]);
  t.is(rows[0].Q, null, 'training rows are left untouched');
  const reloaded = Pipeline.fromParams(JSON.parse(JSON.stringify(pipeline.params())));
  const fresh: Row = { Q: 'Po', Year: 2001, YrSold: 2008, Area: null };
  t.deepEqual(reloaded.transform([fresh]), pipeline.transform([fresh]));
  t.deepEqual(reloaded.transform([fresh])[0], { Q: -1, Year: 7, Area: 100 });
});
