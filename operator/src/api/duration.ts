/** Durations in the CRD's format: one or more `<integer><unit>` with units ms, s, m, h (`1h30m`). */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const WHOLE = /^(\d+(ms|s|m|h))+$/;
const PART = /(\d+)(ms|s|m|h)/g;

/** Milliseconds of `text`; throws an error naming `field` when it is not a positive duration. */
export function parseDuration(text: string, field: string): number {
  if (typeof text !== 'string' || !WHOLE.test(text)) {
    throw new Error(`${field}: "${String(text)}" is not a duration such as 30s, 5m or 1h30m`);
  }
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit];
  if (!Number.isSafeInteger(ms) || ms <= 0)
    throw new Error(`${field}: "${text}" must be a positive duration`);
  return ms;
}

/** A compact rendering of `ms` for messages: `90000` → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let rest = Math.round(ms / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
