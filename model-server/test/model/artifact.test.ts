import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LinearEstimator } from '../../src/model/artifact.js';
import { artifactDigest } from '../../src/model/artifact-digest.js';
import { ArtifactError, loadModel, modelFromArtifact, modelFromArtifactText } from '../../src/model/load.js';
import { trainShipped } from './helpers.js';

const course = async () => (await trainShipped('course-gbm')).artifact;
type Path = (string | number)[];
/** A deep copy with the value at `path` replaced (or deleted when `value` is undefined). */
const edited = (artifact: object, path: Path, value?: unknown): Record<string, unknown> => {
  const copy = structuredClone(artifact) as Record<string, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
};
/** `edited` with the sha256 recomputed: a consistent but altered artifact. */
const resigned = (artifact: object, path: Path, value?: unknown): unknown => {
  const copy = edited(artifact, path, value);
  copy.sha256 = artifactDigest(copy);
  return copy;
};
const refusal = (json: unknown) => {
  const error = (() => {
    try {
      modelFromArtifact(json, 'x.json');
    } catch (e) {
      return e as Error;
    }
  })();
  return error instanceof ArtifactError ? error.message : `not refused (${String(error)})`;
};

test('an artifact file loads and predicts like the model it was written from', async (t) => {
  const artifact = await course();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'model-artifact-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'course.json');
  await writeFile(file, JSON.stringify(artifact));
  const model = await loadModel(file);
  t.is(model.name, 'house-price');
  t.is(model.version, '0.1.0');
  t.is(model.kind, 'gbm');
  t.is(model.sha256, artifact.sha256);
  t.deepEqual(model.naNotAllowed, artifact.naNotAllowed);
  const house = {
    LotArea: 8450,
    OverallQual: 7,
    YearRemodAdd: 2003,
    BsmtQual: 'Gd',
    BsmtFinSF1: 706,
    TotalBsmtSF: 856,
    FirstFlrSF: 856,
    SecondFlrSF: 854,
    GrLivArea: 1710,
    GarageCars: 2,
    YrSold: 2008,
  };
  t.deepEqual(model.predict([house]), modelFromArtifact(artifact).predict([house]));
});

test('a truncated or non-JSON file is refused as corrupt', async (t) => {
  const text = JSON.stringify(await course());
  t.throws(() => modelFromArtifactText(text.slice(0, text.length / 2), 'half.json'), {
    instanceOf: ArtifactError,
    message: /model artifact half.json: is not valid JSON \(truncated or corrupt\?\)/,
  });
  await t.throwsAsync(loadModel('/nonexistent/model.json'), {
    instanceOf: ArtifactError,
    message: /cannot be read/,
  });
});

test('an edited artifact fails its sha256 check', async (t) => {
  const artifact = await course();
  const tree = artifact.estimator.type === 'gbm' ? artifact.estimator.trees[3] : undefined;
  const copy = edited(artifact, ['estimator', 'trees', 3, 'value', 5], tree!.value[5] + 1);
  t.is(
    refusal(copy),
    'model artifact x.json: content does not match its sha256 (the file is corrupt or was edited)',
  );
});

test('another format version, kind or estimator is refused with a clear reason', async (t) => {
  const artifact = await course();
  t.is(
    refusal(resigned(artifact, ['formatVersion'], 2)),
    'model artifact x.json: unsupported formatVersion 2 (this model-server reads 1)',
  );
  t.regex(refusal(resigned(artifact, ['kind'], 'forest')), /kind must be gbm or linear, got "forest"/);
  t.regex(refusal(resigned(artifact, ['kind'], 'linear')), /kind linear needs a ridge estimator, got "gbm"/);
  t.regex(
    refusal(resigned(artifact, ['estimator', 'trees'], [])),
    /estimator.trees must be a non-empty list/,
  );
  t.regex(
    refusal(resigned(artifact, ['estimator', 'trees', 0, 'left', 0], 0)),
    /trees\[0\]: node 0 has child 0 out of order/,
  );
  t.regex(
    refusal(resigned(artifact, ['estimator', 'trees', 1, 'feature', 0], 99)),
    /trees\[1\]: node 0 splits on unknown feature 99/,
  );
  t.regex(
    refusal(resigned(artifact, ['preprocessing', 'steps', 0, 'type'], 'magic')),
    /steps\[0\] has an unknown type "magic"/,
  );
  t.regex(refusal(resigned(artifact, ['profile'])), /field profile must hold/);
  t.regex(refusal([1, 2]), /expected a JSON object/);
});

test('a linear artifact is checked for matching coefficient counts', async (t) => {
  const { artifact } = await trainShipped('linear-baseline');
  const estimator = artifact.estimator as LinearEstimator;
  t.notThrows(() => modelFromArtifact(artifact));
  t.regex(
    refusal(resigned(artifact, ['estimator', 'coefficients'], estimator.coefficients.slice(1))),
    /estimator.coefficients must hold \d+ numbers/,
  );
});
