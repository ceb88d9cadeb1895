import { readFile } from 'node:fs/promises';
import { ArtifactError, validateArtifact } from './artifact-validate.js';
import { HouseModel } from './house-model.js';
import type { Model } from './types.js';

export { ArtifactError } from './artifact-validate.js';

/** Reads, validates and loads a model artifact file. Throws `ArtifactError` for a bad file. */
export async function loadModel(path: string): Promise<Model> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ArtifactError(path, `cannot be read: ${(error as Error).message}`);
  }
  return modelFromArtifactText(text, path);
}

/** Loads a model from artifact file content (e.g. a ConfigMap value or a downloaded body). */
export function modelFromArtifactText(text: string, source = 'artifact'): Model {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(source, `is not valid JSON (truncated or corrupt?): ${(error as Error).message}`);
  }
  return modelFromArtifact(json, source);
}

/** Loads a model from a parsed artifact after validating it. */
export function modelFromArtifact(json: unknown, source = 'artifact'): Model {
  return new HouseModel(validateArtifact(json, source));
}
