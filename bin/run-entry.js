// Runs a TypeScript entry point: the compiled copy under dist/ when it exists (images), else the
// source through tsx (a checkout).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function runEntry(relativeTs) {
  const compiled = path.join(root, 'dist', relativeTs.replace(/\.ts$/, '.js'));
  if (fs.existsSync(compiled)) return import(pathToFileURL(compiled).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(path.join(root, relativeTs)).href);
}
