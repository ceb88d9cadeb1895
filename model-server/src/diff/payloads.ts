import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readDataset } from '../train/dataset.js';

/** Records read from one payload file, with a label per record for the report. */
export interface Payload {
  file: string;
  records: Record<string, unknown>[];
  labels: string[];
}

/**
 * Reads a payload file: a JSON array of records (or `{"records": [...]}`), or a Kaggle CSV file
 * such as test.csv (`NA` is a missing value; numeric fields become numbers).
 */
export async function readPayload(file: string): Promise<Payload> {
  const name = path.basename(file);
  let records: Record<string, unknown>[];
  if (file.toLowerCase().endsWith('.csv')) {
    records = (await readDataset(file, {}, [])).rows;
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown } | null)?.records;
    if (!Array.isArray(list))
      throw new Error(`${file}: expected a JSON array of records or {"records": [...]}`);
    records = list as Record<string, unknown>[];
  }
  const labels = records.map((record, index) => {
    const id = (record as { Id?: unknown } | null)?.Id;
    return typeof id === 'number' ? `${name}#${index} (Id ${id})` : `${name}#${index}`;
  });
  return { file, records, labels };
}
