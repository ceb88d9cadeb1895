import test from 'ava';
import {
  DEFAULT_SHADOW_TOLERANCE,
  ROUTES_CONFIG_KEY,
  RoutesConfigError,
  parseRoutesConfig,
  parseRoutesConfigMapData,
  parseRoutesConfigOrThrow,
  routesConfigMapData,
  routesConfigMapName,
  serializeRoutesConfig,
  type RoutesConfigResult,
} from '../../src/router/routes-config.js';

const master = { url: 'http://house-price-master.ml.svc:8080', version: '1.0.0' };
const candidate = { url: 'http://house-price-candidate.ml.svc:8080', version: '1.1.0' };

function issues(result: RoutesConfigResult): string[] {
  return result.ok ? [] : result.issues.map((i) => `${i.field}: ${i.reason}`);
}

test('a full document parses, and defaults fill the optional fields', (t) => {
  const full = parseRoutesConfigOrThrow(
    JSON.stringify({ master, candidate, canaryWeight: 10, mirrorPercent: 100, shadowTolerance: 0.1 }),
  );
  t.deepEqual(full, { master, candidate, canaryWeight: 10, mirrorPercent: 100, shadowTolerance: 0.1 });

  const minimal = parseRoutesConfigOrThrow(JSON.stringify({ master }));
  t.deepEqual(minimal, {
    master,
    candidate: null,
    canaryWeight: 0,
    mirrorPercent: 0,
    shadowTolerance: DEFAULT_SHADOW_TOLERANCE,
  });
});

test('a trailing slash on an upstream URL is dropped; unknown fields are ignored', (t) => {
  const config = parseRoutesConfigOrThrow(
    JSON.stringify({ master: { ...master, url: `${master.url}/` }, futureField: { x: 1 } }),
  );
  t.is(config.master.url, master.url);
});

test('every bad field is named with its reason', (t) => {
  const result = parseRoutesConfig(
    JSON.stringify({
      master: { url: 'ftp://x:21', version: '' },
      candidate: { url: 'http://c:8080/v1', version: 3 },
      canaryWeight: 150,
      mirrorPercent: 12.5,
      shadowTolerance: -1,
    }),
  );
  t.false(result.ok);
  t.deepEqual(issues(result), [
    'master.url: scheme must be http or https, got "ftp"',
    'master.version: must be a non-empty string, got ""',
    'candidate.url: must be a base URL without path, query or fragment, got "http://c:8080/v1"',
    'candidate.version: must be a non-empty string, got 3',
    'canaryWeight: must be an integer between 0 and 100, got 150',
    'mirrorPercent: must be an integer between 0 and 100, got 12.5',
    'shadowTolerance: must be a finite number >= 0, got -1',
  ]);
});

test('weight or mirroring without a candidate is refused', (t) => {
  const result = parseRoutesConfig(
    JSON.stringify({ master, candidate: null, canaryWeight: 5, mirrorPercent: 50 }),
  );
  t.deepEqual(issues(result), [
    'candidate: required when canaryWeight is above 0',
    'candidate: required when mirrorPercent is above 0',
  ]);
});

test('non-JSON, non-object and missing master are refused with a reason', (t) => {
  t.regex(issues(parseRoutesConfig('{'))[0], /^routes\.json: not valid JSON/);
  t.deepEqual(issues(parseRoutesConfig('[1]')), ['(document): must be a JSON object, got [1]']);
  t.deepEqual(issues(parseRoutesConfig('{}')), [
    'master: must be an object with url and version, got nothing',
  ]);
  t.deepEqual(issues(parseRoutesConfig(JSON.stringify({ master: { url: 'not a url', version: 'v' } }))), [
    'master.url: not a valid URL: "not a url"',
  ]);
  const err = t.throws(() => parseRoutesConfigOrThrow('{}'), { instanceOf: RoutesConfigError });
  t.regex(err!.message, /master: must be an object/);
});

test('serialization is deterministic and round-trips', (t) => {
  const config = { master, candidate, canaryWeight: 25, mirrorPercent: 0, shadowTolerance: 0.05 };
  const reordered = { shadowTolerance: 0.05, mirrorPercent: 0, canaryWeight: 25, candidate, master };
  const text = serializeRoutesConfig(config);
  t.is(serializeRoutesConfig(reordered), text);
  t.deepEqual(parseRoutesConfigOrThrow(text), config);
  t.is(
    text,
    `{
  "master": {
    "url": "http://house-price-master.ml.svc:8080",
    "version": "1.0.0"
  },
  "candidate": {
    "url": "http://house-price-candidate.ml.svc:8080",
    "version": "1.1.0"
  },
  "canaryWeight": 25,
  "mirrorPercent": 0,
  "shadowTolerance": 0.05
}
`,
  );
});

test('ConfigMap helpers use the <name>-routes name and the routes.json key', (t) => {
  t.is(routesConfigMapName('house-price'), 'house-price-routes');
  const config = { master, candidate: null, canaryWeight: 0, mirrorPercent: 0, shadowTolerance: 0.05 };
  const data = routesConfigMapData(config);
  t.deepEqual(Object.keys(data), [ROUTES_CONFIG_KEY]);
  const back = parseRoutesConfigMapData(data);
  t.true(back.ok && back.config.master.url === master.url);
  t.deepEqual(issues(parseRoutesConfigMapData({ other: '{}' })), ['data.routes.json: missing']);
  t.deepEqual(issues(parseRoutesConfigMapData(undefined)), ['data.routes.json: missing']);
});
