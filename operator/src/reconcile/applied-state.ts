/**
 * Whether a live object already holds what the operator would server-side apply (pure), so that a
 * pass whose desired state is in force writes nothing.
 *
 * Two checks, because each misses what the other sees:
 * - the applied-hash annotation, a hash of the whole manifest last applied: it changes when the
 *   operator wants something else, including a field it no longer sets (which the live object
 *   still has, so a field-by-field look cannot tell);
 * - a field-by-field look at every field the manifest sets: it sees what someone else changed
 *   since (drift: a hand-scaled Deployment, an edited selector, a removed label).
 * Fields the manifest does not set (server defaults, status, other managers' fields) are ignored.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';

/** Annotation holding the hash of the manifest the operator last applied to an object. */
export const APPLIED_HASH_ANNOTATION = 'modelrollout.io/applied-hash';

/** Top-level members that identify an object rather than state it; list items may omit them. */
const IDENTITY = new Set(['apiVersion', 'kind']);

/** Resource quantities the API server rewrites in canonical form ("0.5" is stored as "500m"). */
const QUANTITY_PATH = /(^|\.)(limits|requests)\.[^.]+$/;

/** JSON with object keys sorted and undefined members dropped: equal manifests, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, member]) => member !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

function withoutHash(manifest: KubernetesObject): KubernetesObject {
  const { [APPLIED_HASH_ANNOTATION]: _hash, ...annotations } = manifest.metadata?.annotations ?? {};
  const metadata = {
    ...manifest.metadata,
    annotations: Object.keys(annotations).length ? annotations : undefined,
  };
  return { ...manifest, metadata };
}

/** Hash of `manifest` as applied (its own applied-hash annotation left out). */
export function appliedHash(manifest: KubernetesObject): string {
  return createHash('sha256')
    .update(canonicalJson(withoutHash(manifest)))
    .digest('hex')
    .slice(0, 20);
}

/** `manifest` carrying its applied-hash annotation (a copy; idempotent). */
export function withAppliedHash<T extends KubernetesObject>(manifest: T): T {
  const hash = appliedHash(manifest);
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      annotations: { ...manifest.metadata?.annotations, [APPLIED_HASH_ANNOTATION]: hash },
    },
  };
}

/** Why an apply is (or is not) needed. */
export type AppliedState =
  | { holds: true }
  /** `missing`: no such object; `changed`: the manifest differs from the one last applied; `drift`: a field was changed by someone else. */
  | { holds: false; reason: 'missing' | 'changed' | 'drift'; field?: string };

/**
 * Whether `live` (the object as read, or null when it does not exist) holds `manifest`, which
 * must carry its applied-hash annotation (see withAppliedHash).
 */
export function appliedState(live: KubernetesObject | null, manifest: KubernetesObject): AppliedState {
  if (!live) return { holds: false, reason: 'missing' };
  const wanted = manifest.metadata?.annotations?.[APPLIED_HASH_ANNOTATION];
  if (wanted === undefined || live.metadata?.annotations?.[APPLIED_HASH_ANNOTATION] !== wanted)
    return { holds: false, reason: 'changed' };
  for (const [key, value] of Object.entries(manifest)) {
    if (IDENTITY.has(key)) continue;
    const field = firstDifference((live as Record<string, unknown>)[key], value, key);
    if (field !== null) return { holds: false, reason: 'drift', field };
  }
  return { holds: true };
}

/**
 * The path of the first field `desired` sets that `live` does not hold, or null. Lists must match
 * item by item and in length (an atomic list with an extra item is drift too). A zero value
 * (false, 0, "", [], {}) the API server left out counts as held: it omits empty fields.
 */
export function firstDifference(live: unknown, desired: unknown, path: string): string | null {
  if (desired === undefined || desired === null) return null;
  if ((live === undefined || live === null) && isZero(desired)) return null;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return path;
    for (let i = 0; i < desired.length; i++) {
      const field = firstDifference(live[i], desired[i], `${path}[${i}]`);
      if (field !== null) return field;
    }
    return null;
  }
  if (typeof desired === 'object') {
    if (!live || typeof live !== 'object' || Array.isArray(live)) return path;
    for (const [key, value] of Object.entries(desired)) {
      const field = firstDifference((live as Record<string, unknown>)[key], value, `${path}.${key}`);
      if (field !== null) return field;
    }
    return null;
  }
  if (live === desired) return null;
  if (QUANTITY_PATH.test(path) && sameQuantity(live, desired)) return null;
  return path;
}

function isZero(value: unknown): boolean {
  if (value === false || value === 0 || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value && typeof value === 'object')
    return Object.values(value).every((v) => v === undefined || isZero(v));
  return false;
}

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Value of a Kubernetes quantity ("500m", "1Gi", "1e3", 2), or NaN. */
export function quantityValue(quantity: unknown): number {
  if (typeof quantity === 'number') return quantity;
  if (typeof quantity !== 'string') return NaN;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))((?:[eE][+-]?\d+)|[numkMGTPE]|[KMGTPE]i)?$/.exec(quantity.trim());
  if (!match) return NaN;
  const [, number, suffix = ''] = match;
  if (/^[eE]/.test(suffix)) return Number(number + suffix);
  const scale = SUFFIX[suffix];
  return scale === undefined ? NaN : Number(number) * scale;
}

function sameQuantity(a: unknown, b: unknown): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  return (
    Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y))
  );
}
