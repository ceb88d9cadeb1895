// Runs a TypeScript entry point from source through tsx (a checkout), or its compiled copy under
// dist/ where tsx is not installed (a production install after `npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function runEntry(relativeTs) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    const compiled = path.join(root, 'dist', relativeTs.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(compiled))
      throw new Error(`neither tsx nor ${compiled} is available: run npm ci or npm run build`);
    return import(pathToFileURL(compiled).href);
  }
  register();
  return import(pathToFileURL(path.join(root, relativeTs)).href);
}
