import test from 'ava';
import { fuzzCases } from './fuzz-bodies.js';
import { realModel, testServer } from './helpers.js';

const SEED = 20_240_601;

// Every artifact must survive the same bodies: whether a 5xx can happen depends on each model.
const RUNS: [artifact: string, cases: number][] = [
  ['course-gbm', 3_000],
  ['default-gbm', 1_500],
  ['linear-baseline', 1_500],
];

for (const [artifact, CASES] of RUNS) {
  test(`${artifact}: no client body produces a 5xx (${CASES} random and malformed bodies, seed ${SEED})`, async (t) => {
    const app = await testServer({ model: await realModel(artifact) });
    const byStatus = new Map<number, number>();
    const byKind = new Map<string, Set<number>>();
    let n = 0;
    for (const fuzz of fuzzCases(SEED, CASES)) {
      const headers: Record<string, string> = {};
      if (fuzz.contentType !== undefined) headers['content-type'] = fuzz.contentType;
      const response = await app.inject({
        method: 'POST',
        url: '/v1/predictions',
        payload: fuzz.body,
        headers,
      });
      byStatus.set(response.statusCode, (byStatus.get(response.statusCode) ?? 0) + 1);
      if (!byKind.has(fuzz.kind)) byKind.set(fuzz.kind, new Set());
      byKind.get(fuzz.kind)!.add(response.statusCode);
      if (response.statusCode >= 500) {
        t.fail(
          `case ${n} (${fuzz.kind}, ${fuzz.contentType}) got ${response.statusCode}: ${response.body}\nbody: ${fuzz.body.slice(0, 500)}`,
        );
        return;
      }
      // Every answer is JSON in one of the two documented shapes.
      const body = response.json();
      if (response.statusCode === 200)
        t.true(Array.isArray(body.predictions) && typeof body.version === 'string');
      else t.true(typeof body.error === 'string' && Array.isArray(body.details), response.body);
      n++;
    }
    t.log(Object.fromEntries([...byStatus].sort()));
    t.log(Object.fromEntries([...byKind].map(([kind, statuses]) => [kind, [...statuses].sort()])));
    t.is(n, CASES);
    // The generator reached every outcome the route has: predictions, 400, 413 and 415.
    for (const status of [200, 400, 413, 415]) t.true((byStatus.get(status) ?? 0) > 0, `no ${status} seen`);
    t.true(byKind.get('records')!.has(200), 'the model itself predicted for generated records');
  });
}
