/**
 * Model identity: what makes two models "the same" for the rollout logic. Version, image, artifact
 * and env identify a model; replicas and resources do not (changing those is applied in place).
 */
import type { ResolvedModel } from './defaults.js';
import type { ArtifactSource, EnvVar, VariantStatus } from './types.js';

export interface ModelIdentity {
  version: string;
  image: string;
  artifact: ArtifactSource;
  env?: EnvVar[];
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** 64-bit FNV-1a of the text's UTF-16 code units, as 16 hex digits (stable, dependency-free). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** Fingerprint of a model's identity; equal fingerprints mean the same model. */
export function modelFingerprint(model: ModelIdentity): string {
  const env = model.env?.length ? model.env : undefined;
  return fnv1a64(canonical({ version: model.version, image: model.image, artifact: model.artifact, env }));
}

/** The status entry for a variant about to run `model` (readiness not observed yet). */
export function variantOf(model: ResolvedModel, readyReplicas = 0): VariantStatus {
  const variant: VariantStatus = {
    version: model.version,
    image: model.image,
    fingerprint: modelFingerprint(model),
    artifact: model.artifact,
    replicas: model.replicas,
    readyReplicas,
  };
  if (model.env.length) variant.env = model.env;
  return variant;
}

/** The model a variant status describes, sized by the spec's current replicas and resources. */
export function modelOf(
  variant: VariantStatus,
  sizing: Pick<ResolvedModel, 'replicas' | 'resources'>,
): ResolvedModel {
  return {
    version: variant.version,
    image: variant.image,
    artifact: variant.artifact,
    env: variant.env ?? [],
    replicas: sizing.replicas,
    resources: sizing.resources,
  };
}
