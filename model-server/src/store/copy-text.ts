import type { PredictionRow } from './types.js';

/** Characters that end or escape a field in PostgreSQL's COPY text format. */
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field in COPY text format (every column is NOT NULL, so `\N` never appears). */
export function copyField(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]) : value;
}

/** The columns of a COPY of prediction rows, in the order `copyText` writes them. */
export const COPY_COLUMNS =
  'record_id, request_id, model_name, model_version, variant, inputs, outputs, created_at';

/** Rows as COPY text: one line per row, tab-separated, in `COPY_COLUMNS` order. */
export function copyText(rows: readonly PredictionRow[]): string {
  let text = '';
  for (const row of rows) {
    text +=
      `${copyField(row.record_id)}\t${copyField(row.request_id)}\t${copyField(row.model_name)}\t` +
      `${copyField(row.model_version)}\t${copyField(row.variant)}\t${copyField(JSON.stringify(row.inputs))}\t` +
      `${copyField(JSON.stringify(row.outputs))}\t${copyField(row.created_at)}\n`;
  }
  return text;
}
