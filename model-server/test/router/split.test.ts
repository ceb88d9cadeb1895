import { randomUUID } from 'node:crypto';
import test from 'ava';
import {
  bucketOf,
  decideRoute,
  isRefusal,
  parseVariantHeader,
  type RouteDecision,
} from '../../src/router/split.js';
import type { RoutesConfig } from '../../src/router/routes-config.js';

const base: RoutesConfig = {
  master: { url: 'http://m:8080', version: '1' },
  candidate: { url: 'http://c:8080', version: '2' },
  canaryWeight: 0,
  mirrorPercent: 0,
  shadowTolerance: 0.05,
};

function decide(config: RoutesConfig, id: string, pinned?: 'master' | 'candidate'): RouteDecision {
  const d = decideRoute(config, id, pinned);
  if (isRefusal(d)) throw new Error(d.message);
  return d;
}

test('buckets are spread evenly over 0..99', (t) => {
  const counts = new Array(100).fill(0);
  for (let i = 0; i < 100_000; i++) counts[bucketOf(`req-${i}`)]++;
  // 1,000 expected per bucket; a uniform hash stays well within ±15%.
  t.true(Math.min(...counts) > 850, `min ${Math.min(...counts)}`);
  t.true(Math.max(...counts) < 1150, `max ${Math.max(...counts)}`);
});

test('a 10% weight sends 10% ± 2% of 5,000 requests to the candidate', (t) => {
  for (const ids of [() => randomUUID(), (i: number) => `order-${i}`]) {
    let candidate = 0;
    for (let i = 0; i < 5_000; i++)
      if (decide({ ...base, canaryWeight: 10 }, ids(i)).variant === 'candidate') candidate++;
    const share = candidate / 5_000;
    t.true(share >= 0.08 && share <= 0.12, `share ${share}`);
  }
});

test('a request id always lands on the same variant, and raising the weight keeps candidate ids there', (t) => {
  const ids = Array.from({ length: 2_000 }, (_, i) => `client-${i}`);
  const at10 = ids.map((id) => decide({ ...base, canaryWeight: 10 }, id).variant);
  t.deepEqual(
    ids.map((id) => decide({ ...base, canaryWeight: 10 }, id).variant),
    at10,
  );
  const at50 = ids.map((id) => decide({ ...base, canaryWeight: 50 }, id).variant);
  at10.forEach((v, i) => {
    if (v === 'candidate') t.is(at50[i], 'candidate');
  });
  t.true(at50.filter((v) => v === 'candidate').length > at10.filter((v) => v === 'candidate').length);
});

test('weights 0 and 100 are absolute; no candidate means master', (t) => {
  for (let i = 0; i < 500; i++) {
    t.is(decide({ ...base, canaryWeight: 0 }, `r${i}`).variant, 'master');
    t.is(decide({ ...base, canaryWeight: 100 }, `r${i}`).variant, 'candidate');
    t.is(decide({ ...base, candidate: null }, `r${i}`).variant, 'master');
  }
});

test('mirroring copies mirrorPercent of master-answered requests, independently of the weight', (t) => {
  let mirrored = 0;
  for (let i = 0; i < 5_000; i++) if (decide({ ...base, mirrorPercent: 30 }, `m-${i}`).mirror) mirrored++;
  t.true(mirrored / 5_000 > 0.27 && mirrored / 5_000 < 0.33, `share ${mirrored / 5_000}`);
  for (let i = 0; i < 200; i++) {
    t.true(decide({ ...base, mirrorPercent: 100 }, `a-${i}`).mirror);
    const both = decide({ ...base, canaryWeight: 50, mirrorPercent: 100 }, `b-${i}`);
    t.is(both.mirror, both.variant === 'master');
  }
});

test('the pin header wins over the weight; pinning a missing candidate is refused', (t) => {
  t.is(decide({ ...base, canaryWeight: 100 }, 'x', 'master').variant, 'master');
  t.is(decide(base, 'x', 'candidate').variant, 'candidate');
  t.false(decide(base, 'x', 'candidate').mirror);
  const refused = decideRoute({ ...base, candidate: null }, 'x', 'candidate');
  t.true(isRefusal(refused) && refused.refused === 'no-candidate');
});

test('the pin header accepts master or candidate in any case and refuses anything else', (t) => {
  t.is(parseVariantHeader(undefined), undefined);
  t.is(parseVariantHeader(' Candidate '), 'candidate');
  t.is(parseVariantHeader('MASTER'), 'master');
  const bad = parseVariantHeader('canary');
  t.true(isRefusal(bad));
  t.regex(
    (bad as { message: string }).message,
    /x-model-variant: must be "master" or "candidate", got "canary"/,
  );
});
