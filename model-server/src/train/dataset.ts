import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { COURSE_RENAMES, HOUSE_FIELDS } from '../model/record-fields.js';
import type { Row } from '../model/preprocess/row.js';

/** A table read from a Kaggle CSV file: one row per house, columns renamed to the course's spelling. */
export interface Dataset {
  columns: string[];
  rows: Row[];
}

/** The marker for a missing value in the Kaggle files. */
const MISSING = 'NA';

/**
 * Reads a house-prices CSV file. `NA` is a missing value (null); numeric fields of the house
 * schema and `numericColumns` (e.g. the target) become numbers, everything else stays text.
 */
export async function readDataset(
  file: string,
  renames: Readonly<Record<string, string>>,
  numericColumns: readonly string[] = ['SalePrice'],
): Promise<Dataset> {
  const text = await readFile(file, 'utf8');
  const raw = parse(text, { columns: false, skip_empty_lines: true }) as string[][];
  if (raw.length === 0) throw new Error(`${file}: empty CSV file`);
  const columns = raw[0].map((name) => renames[name] ?? name);
  const typeOf = (name: string) => HOUSE_FIELDS.get(COURSE_RENAMES[name] ?? name)?.type ?? 'string';
  const numeric = columns.map((name) => numericColumns.includes(name) || typeOf(name) !== 'string');
  const rows = raw.slice(1).map((cells, line) => {
    if (cells.length !== columns.length) {
      throw new Error(
        `${file}: line ${line + 2} has ${cells.length} fields, the header has ${columns.length}`,
      );
    }
    const row: Row = {};
    cells.forEach((cell, i) => {
      if (cell === MISSING) row[columns[i]] = null;
      else if (numeric[i]) {
        const value = Number(cell);
        if (cell.trim() === '' || !Number.isFinite(value)) {
          throw new Error(
            `${file}: line ${line + 2}, column ${columns[i]}: ${JSON.stringify(cell)} is not a number`,
          );
        }
        row[columns[i]] = value;
      } else row[columns[i]] = cell;
    });
    return row;
  });
  return { columns, rows };
}
