/**
 * Traffic-split decisions: which variant answers a request and whether a copy is mirrored.
 * Pure: buckets come from a hash of the request id, so a client that repeats an id always lands
 * on the same variant for a given weight.
 */
import type { RoutesConfig } from './routes-config.js';

/** The two model-servers behind a router. */
export type Variant = 'master' | 'candidate';

/** Header a client sets to pin a request to one variant. */
export const VARIANT_HEADER = 'x-model-variant';

/** What to do with one request. */
export interface RouteDecision {
  /** The variant whose answer the client gets. */
  variant: Variant;
  /** Also send a copy to the candidate (only when master answers). */
  mirror: boolean;
}

/** Why a request cannot be routed. */
export type RouteRefusal =
  { refused: 'bad-variant-header'; message: string } | { refused: 'no-candidate'; message: string };

const CANARY_SEED = 0x9e3779b9;
const MIRROR_SEED = 0x85ebca6b;

/**
 * Reads the pin header: undefined when absent, a variant, or a refusal naming the bad value.
 */
export function parseVariantHeader(value: string | string[] | undefined): Variant | undefined | RouteRefusal {
  if (value === undefined) return undefined;
  const v = (Array.isArray(value) ? value.join(',') : value).trim().toLowerCase();
  if (v === 'master' || v === 'candidate') return v;
  return {
    refused: 'bad-variant-header',
    message: `${VARIANT_HEADER}: must be "master" or "candidate", got ${JSON.stringify(value)}`,
  };
}

/**
 * Decides the variant and mirroring for a request. The canary bucket and the mirror bucket use
 * different seeds so that which requests are mirrored does not depend on the canary weight.
 */
export function decideRoute(
  config: RoutesConfig,
  requestId: string,
  pinned: Variant | undefined,
): RouteDecision | RouteRefusal {
  if (pinned === 'candidate' && !config.candidate) {
    return {
      refused: 'no-candidate',
      message: `${VARIANT_HEADER}: candidate requested but none is configured`,
    };
  }
  const variant: Variant =
    pinned ??
    (config.candidate && bucketOf(requestId, CANARY_SEED) < config.canaryWeight ? 'candidate' : 'master');
  const mirror =
    variant === 'master' &&
    config.candidate !== null &&
    config.mirrorPercent > 0 &&
    bucketOf(requestId, MIRROR_SEED) < config.mirrorPercent;
  return { variant, mirror };
}

/** True when `decideRoute` refused the request. */
export function isRefusal(value: unknown): value is RouteRefusal {
  return typeof value === 'object' && value !== null && 'refused' in value;
}

/** Bucket 0..99 of a request id: FNV-1a over UTF-16 code units, then a murmur3 finalizer. */
export function bucketOf(requestId: string, seed: number = CANARY_SEED): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < requestId.length; i++) {
    h ^= requestId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 100;
}
