import { HOUSE_FIELDS, KAGGLE_SPELLINGS } from '../../src/model/record-fields.js';

/** A seeded PRNG (mulberry32), so a failing fuzz case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** One fuzz request: raw body text and the content type it is sent with. */
export interface FuzzCase {
  kind: string;
  body: string;
  contentType: string | undefined;
}

const FIELD_NAMES = [...HOUSE_FIELDS.keys(), ...Object.values(KAGGLE_SPELLINGS)];
const NASTY_KEYS = ['__proto__', 'constructor', 'prototype', '', ' ', 'toString', 'hasOwnProperty', '\u0000'];
const NASTY_STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-1',
  '1e400',
  'null',
  '\u0000',
  '\ud800',
  '💥'.repeat(50),
  'x'.repeat(5000),
];
const NASTY_NUMBERS = [0, -0, -1, 1.5, -1e308, 1e308, 5e-324, 2 ** 53 + 1, -(2 ** 31), 1e21, 123456789012];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/jsonx',
  'json',
  '',
  undefined,
];

/** Generates `count` random bodies: random JSON, plausible records with bad values, broken text. */
export function* fuzzCases(seed: number, count: number): Generator<FuzzCase> {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const int = (max: number) => Math.floor(random() * max);

  const scalar = (): unknown => {
    switch (int(6)) {
      case 0:
        return pick(NASTY_NUMBERS);
      case 1:
        return (random() - 0.5) * 10 ** int(12);
      case 2:
        return pick(NASTY_STRINGS);
      case 3:
        return random() < 0.5;
      case 4:
        return null;
      default:
        return String.fromCharCode(...Array.from({ length: int(20) }, () => int(0xffff)));
    }
  };
  const value = (depth: number): unknown => {
    if (depth <= 0 || random() < 0.6) return scalar();
    if (random() < 0.5) return Array.from({ length: int(5) }, () => value(depth - 1));
    const object: Record<string, unknown> = {};
    for (let i = int(6); i > 0; i--)
      object[random() < 0.2 ? pick(NASTY_KEYS) : pick(FIELD_NAMES)] = value(depth - 1);
    return object;
  };
  /** A well-typed record with extreme values; `corrupt` adds one random wrong value or key. */
  const record = (corrupt: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, spec] of HOUSE_FIELDS) {
      if (random() < 0.2) continue;
      const spelling = KAGGLE_SPELLINGS[name] !== undefined && random() < 0.5 ? KAGGLE_SPELLINGS[name] : name;
      if (spec.type === 'string')
        out[spelling] = pick(['Gd', 'TA', 'NAmes', 'x', '', 'CollgCr', 'RL', 'Pave', '💥']);
      else if (spec.type === 'integer')
        out[spelling] = pick([0, -1, 1, 2 ** 31, -(2 ** 53), 1e21, int(5000)]);
      else out[spelling] = pick(NASTY_NUMBERS);
      if (spec.nullable && random() < 0.1) out[spelling] = null;
    }
    if (corrupt) out[random() < 0.3 ? pick(NASTY_KEYS) : pick(FIELD_NAMES)] = value(2);
    return out;
  };

  for (let n = 0; n < count; n++) {
    const contentType = random() < 0.85 ? 'application/json' : pick(CONTENT_TYPES);
    const roll = random();
    let kind: string;
    let body: string;
    if (roll < 0.35) {
      kind = 'records';
      body = JSON.stringify(Array.from({ length: 1 + int(5) }, () => record(random() < 0.1)));
    } else if (roll < 0.55) {
      kind = 'random-json';
      body = JSON.stringify(value(4)) ?? 'null';
    } else if (roll < 0.7) {
      kind = 'truncated';
      const text = JSON.stringify([record(false)]);
      body = text.slice(0, int(text.length));
    } else if (roll < 0.78) {
      kind = 'bytes';
      body = Buffer.from(Array.from({ length: int(300) }, () => int(256))).toString('latin1');
    } else if (roll < 0.84) {
      kind = 'deep';
      const depth = 1 + int(20_000);
      body =
        random() < 0.5
          ? '['.repeat(depth) + ']'.repeat(depth)
          : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    } else if (roll < 0.9) {
      kind = 'proto';
      body = pick([
        '[{"__proto__":{"GrLivArea":1}}]',
        '[{"constructor":{"prototype":{"x":1}}}]',
        '{"__proto__":[]}',
        '[{"GrLivArea":1,"GrLivArea":"2"}]',
        '[{"1stFlrSF":100,"FirstFlrSF":200}]',
      ]);
    } else if (roll < 0.95) {
      kind = 'numbers';
      body = `[{"GrLivArea":${pick(['1e999', '-1e999', '1.0', '1e2', '0x10', '01', '-0', '1.7976931348623157e308'])}}]`;
    } else if (roll < 0.97) {
      kind = 'huge';
      body = JSON.stringify([{ Neighborhood: 'x'.repeat(1_048_576 + int(100_000)) }]);
    } else {
      kind = 'many';
      body = JSON.stringify(Array.from({ length: 900 + int(300) }, () => ({ GrLivArea: int(4000) })));
    }
    yield { kind, body, contentType };
  }
}
