import { createHash } from 'node:crypto';

/**
 * The sha256 an artifact carries: over its JSON text without the `sha256` field, keys in the
 * order they appear. Parsing and re-serializing an artifact file gives back the same text, so
 * a reader can recompute it.
 */
export function artifactDigest(artifact: object): string {
  const { sha256: _ignored, ...content } = artifact as Record<string, unknown>;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}
