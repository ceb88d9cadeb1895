import test from 'ava';
import { CONDITION_TYPES, setCondition } from '../../src/api/conditions.js';
import {
  ABORT_ANNOTATION,
  pendingControls,
  PROMOTE_ANNOTATION,
  RETRY_ANNOTATION,
} from '../../src/api/controls.js';
import { modelFingerprint } from '../../src/api/model.js';
import type { ModelDeployment } from '../../src/api/types.js';

const md = (annotations: Record<string, string>, handled = {}) =>
  ({
    metadata: { name: 'm', namespace: 'n', annotations },
    status: { handledControls: handled },
  }) as ModelDeployment;

test('a control is pending until its token is recorded as handled', (t) => {
  t.deepEqual(pendingControls(md({ [PROMOTE_ANNOTATION]: 't1', [ABORT_ANNOTATION]: 'a1' })), {
    promote: 't1',
    abort: 'a1',
  });
  t.deepEqual(pendingControls(md({ [PROMOTE_ANNOTATION]: 't1' }, { promote: 't1' })), {});
  t.deepEqual(pendingControls(md({ [PROMOTE_ANNOTATION]: 't2' }, { promote: 't1' })), { promote: 't2' });
  t.deepEqual(pendingControls(md({ [RETRY_ANNOTATION]: '' })), {});
  t.deepEqual(pendingControls(md({ unrelated: 'x' })), {});
});

test('annotation names are in the modelrollout.io group', (t) => {
  t.is(PROMOTE_ANNOTATION, 'modelrollout.io/promote');
  t.is(ABORT_ANNOTATION, 'modelrollout.io/abort');
  t.is(RETRY_ANNOTATION, 'modelrollout.io/retry');
});

test('setCondition keeps lastTransitionTime while the status stays, and moves it on a change', (t) => {
  const c1 = setCondition(
    undefined,
    { type: CONDITION_TYPES.Ready, status: 'False', reason: 'A', message: 'a' },
    't1',
  );
  const c2 = setCondition(
    c1,
    { type: CONDITION_TYPES.Ready, status: 'False', reason: 'B', message: 'b' },
    't2',
  );
  const c3 = setCondition(
    c2,
    { type: CONDITION_TYPES.Ready, status: 'True', reason: 'C', message: 'c' },
    't3',
  );
  t.is(c2[0].lastTransitionTime, 't1');
  t.is(c2[0].reason, 'B');
  t.is(c3[0].lastTransitionTime, 't3');
  const c4 = setCondition(
    c3,
    { type: CONDITION_TYPES.Progressing, status: 'True', reason: 'D', message: 'd' },
    't4',
  );
  t.deepEqual(
    c4.map((c) => c.type),
    ['Ready', 'Progressing'],
  );
});

test('the model fingerprint depends on identity only, not on key order or empty env', (t) => {
  const a = modelFingerprint({ version: '1', image: 'i', artifact: { uri: '/a', sha256: 'x' } });
  const b = modelFingerprint({ artifact: { sha256: 'x', uri: '/a' }, image: 'i', version: '1', env: [] });
  t.is(a, b);
  t.regex(a, /^[0-9a-f]{16}$/);
  t.not(a, modelFingerprint({ version: '1', image: 'i', artifact: { uri: '/b', sha256: 'x' } }));
  t.not(
    a,
    modelFingerprint({
      version: '1',
      image: 'i',
      artifact: { uri: '/a', sha256: 'x' },
      env: [{ name: 'K', value: 'v' }],
    }),
  );
});
