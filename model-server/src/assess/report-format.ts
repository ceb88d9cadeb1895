import type { Assessment, FeatureAssessment, TestResult } from './types.js';

/** A p-value: `3.2e-12` below 0.001, two significant digits above, `n/a` when undefined. */
export function formatPValue(p: number | null): string {
  if (p === null || Number.isNaN(p)) return 'n/a';
  // A p-value of exactly 0 is an underflow of the tail computation, not a certainty.
  if (p <= 0) return '< 1e-300';
  if (p < 0.001) return p.toExponential(1);
  return p.toPrecision(2);
}

/** A test statistic: 3 decimals for KS-sized values, fewer as chi-square values grow. */
export function formatStatistic(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'n/a' : 'inf';
  const size = Math.abs(value);
  if (size < 10) return value.toFixed(3);
  if (size < 1000) return value.toFixed(1);
  return value.toFixed(0);
}

/** A population stability index, 3 decimals. */
export function formatPsi(psi: number): string {
  if (!Number.isFinite(psi)) return Number.isNaN(psi) ? 'n/a' : 'inf';
  return psi.toFixed(3);
}

/** A rate in [0, 1] as a percentage with one decimal; tiny non-zero rates do not round to 0. */
export function formatPercent(rate: number): string {
  if (!Number.isFinite(rate)) return 'n/a';
  if (rate > 0 && rate < 0.0005) return '<0.1%';
  return `${(rate * 100).toFixed(1)}%`;
}

/** A count with thousands separators. */
export function formatCount(count: number): string {
  return Number.isFinite(count) ? Math.round(count).toLocaleString('en-US') : 'n/a';
}

/** A price in whole dollars with thousands separators (no currency sign; sign kept). */
export function formatMoney(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** A plain number for ranges and thresholds: at most 6 significant digits, no exponent games. */
export function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
}

/** The name of a test as shown in reports: `ks`, `chi2(9)`, `fisher`. */
export function formatTestName(test: TestResult): string {
  if (test.test === 'chi-square') return test.dof === undefined ? 'chi2' : `chi2(${test.dof})`;
  return test.test;
}

/** Human labels of the verdicts. */
export const VERDICT_LABELS = { ok: 'OK', drift: 'DRIFT', empty: 'EMPTY' } as const;

/** Unseen values named in a note before the rest are counted. */
const UNSEEN_LISTED = 3;

/**
 * Short notes on a feature's live values: how many fell outside the training range, which values
 * were never seen in training. Raw text: each renderer escapes it for its medium.
 */
export function featureNotes(feature: FeatureAssessment): string[] {
  const notes: string[] = [];
  const range = feature.range;
  if (range && range.below > 0)
    notes.push(`${formatCount(range.below)} below ${formatNumber(range.trainingMin)}`);
  if (range && range.above > 0)
    notes.push(`${formatCount(range.above)} above ${formatNumber(range.trainingMax)}`);
  const unseen = feature.unseen ?? [];
  if (unseen.length > 0) {
    const listed = unseen
      .slice(0, UNSEEN_LISTED)
      .map((u) => `${JSON.stringify(u.value)} (${formatCount(u.count)})`);
    const more = unseen.length > UNSEEN_LISTED ? ` +${unseen.length - UNSEEN_LISTED} more` : '';
    notes.push(`unseen: ${listed.join(', ')}${more}`);
  }
  return notes;
}

/** One finding and what it is about: a feature name, `predictions` or `shadow`. */
export interface Finding {
  subject: string;
  text: string;
}

/** Every finding of an assessment, features first, in the order they were made. */
export function allFindings(a: Assessment): Finding[] {
  return [
    ...a.features.flatMap((f) => f.findings.map((text) => ({ subject: f.feature, text }))),
    ...(a.prediction?.findings ?? []).map((text) => ({ subject: 'predictions', text })),
    ...(a.shadow?.findings ?? []).map((text) => ({ subject: 'shadow', text })),
  ];
}

/** A finding as one line, without repeating a subject the text already starts with. */
export function findingLine(finding: Finding): string {
  return finding.text.startsWith(finding.subject) ? finding.text : `${finding.subject}: ${finding.text}`;
}
