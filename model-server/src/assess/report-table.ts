import {
  VERDICT_LABELS,
  allFindings,
  featureNotes,
  findingLine,
  formatCount,
  formatMoney,
  formatNumber,
  formatPValue,
  formatPercent,
  formatPsi,
  formatStatistic,
  formatTestName,
} from './report-format.js';
import type { Assessment, FeatureAssessment, PredictionSummary } from './types.js';

/** Options of the terminal report. */
export interface TableOptions {
  /** ANSI colours for the verdict and flagged rows (off by default: the report is often piped). */
  color?: boolean;
}

/** Widest a notes cell gets; longer notes (many unseen values) are cut with an ellipsis. */
const NOTES_WIDTH = 44;
/** Widest any other text taken from data gets in a cell. */
const CELL_WIDTH = 32;

type Align = 'left' | 'right';
interface Column {
  header: string;
  align: Align;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', bold: '\x1b[1m', reset: '\x1b[0m' };

/**
 * A readable plain-text report of an assessment for a terminal: header, one aligned row per
 * feature, the prediction distributions, the shadow pairs (when there are any) and the findings.
 * Text taken from traffic (category values) is shown with control characters escaped, so a value
 * cannot move the cursor, recolour the terminal or break the alignment.
 */
export function formatAssessmentTable(a: Assessment, opts: TableOptions = {}): string {
  const paint = (code: keyof typeof ANSI, text: string) =>
    opts.color ? `${ANSI[code]}${text}${ANSI.reset}` : text;
  const findings = allFindings(a);
  const verdictColor = a.verdict === 'ok' ? 'green' : a.verdict === 'drift' ? 'red' : 'yellow';
  const verdict =
    paint(verdictColor, VERDICT_LABELS[a.verdict]) +
    (a.verdict === 'empty'
      ? ' (no stored predictions in scope)'
      : ` (${plural(findings.length, 'finding')})`);
  const { scope, artifact } = a;
  const lines = [
    paint('bold', `Drift assessment: ${safe(scope.model)} ${safe(scope.version)} (${safe(scope.variant)})`),
    ...keyValues([
      ['window', `${safe(scope.from)} .. ${safe(scope.to)}`],
      ['rows', `${formatCount(a.rows)} stored predictions`],
      [
        'artifact',
        `${safe(artifact.name)} ${safe(artifact.version)}, sha256 ${safe(artifact.sha256.slice(0, 12))}, ` +
          `${formatCount(artifact.trainingRows)} training rows`,
      ],
      ['thresholds', `p < ${formatNumber(a.thresholds.pValue)}, PSI >= ${formatNumber(a.thresholds.psi)}`],
      ['verdict', verdict],
    ]),
  ];

  if (a.features.length > 0) {
    lines.push('', paint('bold', 'Features'), ...featureTable(a.features, paint));
  }
  if (a.prediction) {
    const p = a.prediction;
    lines.push(
      '',
      paint('bold', 'Predictions'),
      ...table(
        [
          { header: '', align: 'left' },
          { header: 'COUNT', align: 'right' },
          { header: 'MEAN', align: 'right' },
          { header: 'P05', align: 'right' },
          { header: 'P50', align: 'right' },
          { header: 'P95', align: 'right' },
        ],
        [summaryRow('training', p.training), summaryRow('live', p.live)],
      ).map(indent),
      indent(
        `KS D ${formatStatistic(p.ks.statistic)}, p ${formatPValue(p.ks.pValue)}; PSI ${formatPsi(p.psi)}` +
          (p.findings.length > 0 ? `  ${paint('red', 'DRIFT')}` : ''),
      ),
    );
  }
  if (a.shadow) {
    const s = a.shadow;
    const r = s.relativeDifference;
    const share = s.pairs > 0 ? ` (${formatPercent(s.overTenPercent / s.pairs)})` : '';
    lines.push(
      '',
      paint(
        'bold',
        `Shadow pairs: candidate ${safe(s.candidateVersion)} vs master ${safe(s.masterVersion)}, ` +
          plural(s.pairs, 'pair'),
      ),
      ...keyValues([
        ['KS', `D ${formatStatistic(s.ks.statistic)}, p ${formatPValue(s.ks.pValue)}`],
        [
          'relative difference',
          `mean ${formatPercent(r.mean)}  p50 ${formatPercent(r.p50)}  p95 ${formatPercent(r.p95)}  ` +
            `p99 ${formatPercent(r.p99)}  max ${formatPercent(r.max)}`,
        ],
        [
          'mean difference',
          `${s.meanDifference >= 0 ? '+' : ''}${formatMoney(s.meanDifference)} (candidate - master)`,
        ],
        ['over 10 %', `${plural(s.overTenPercent, 'pair')}${share}`],
      ]),
    );
  }

  lines.push('', paint('bold', `Findings (${findings.length})`));
  if (findings.length === 0) lines.push(indent('none'));
  for (const finding of findings) lines.push(indent(`- ${safe(findingLine(finding))}`));
  return lines.map((line) => line.trimEnd()).join('\n') + '\n';
}

function featureTable(
  features: FeatureAssessment[],
  paint: (code: keyof typeof ANSI, text: string) => string,
) {
  const columns: Column[] = [
    { header: 'FEATURE', align: 'left' },
    { header: 'KIND', align: 'left' },
    { header: 'MISSING LIVE/TRAIN', align: 'right' },
    { header: 'TEST', align: 'left' },
    { header: 'STATISTIC', align: 'right' },
    { header: 'P-VALUE', align: 'right' },
    { header: 'PSI', align: 'right' },
    { header: 'NOTES', align: 'left' },
    { header: 'FLAG', align: 'left' },
  ];
  const rows = features.map((f) => [
    cut(safe(f.feature), CELL_WIDTH),
    f.kind,
    `${formatPercent(f.liveMissingRate)} / ${formatPercent(f.trainingMissingRate)}`,
    f.distribution ? formatTestName(f.distribution) : '-',
    f.distribution ? formatStatistic(f.distribution.statistic) : '-',
    f.distribution ? formatPValue(f.distribution.pValue) : '-',
    formatPsi(f.psi),
    cut(featureNotes(f).map(safe).join('; '), NOTES_WIDTH),
    f.findings.length > 0 ? 'DRIFT' : '',
  ]);
  const flagColumn = columns.length - 1;
  return table(columns, rows, (text, column) =>
    column === flagColumn && text.trim() ? paint('red', text) : text,
  ).map(indent);
}

function summaryRow(name: string, s: PredictionSummary): string[] {
  return [
    name,
    formatCount(s.count),
    formatMoney(s.mean),
    formatMoney(s.quantiles.p05),
    formatMoney(s.quantiles.p50),
    formatMoney(s.quantiles.p95),
  ];
}

/** Aligned rows under a header; cells are padded before `decorate` adds colour codes. */
function table(
  columns: Column[],
  rows: string[][],
  decorate: (text: string, column: number) => string = (text) => text,
): string[] {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((row) => width(row[i]))));
  const line = (cells: string[], paint: boolean) =>
    cells
      .map((cell, i) => {
        const gap = ' '.repeat(widths[i] - width(cell));
        const padded = columns[i].align === 'right' ? gap + cell : cell + gap;
        return paint ? decorate(padded, i) : padded;
      })
      .join('  ');
  return [
    line(
      columns.map((c) => c.header),
      false,
    ),
    ...rows.map((row) => line(row, true)),
  ];
}

function keyValues(pairs: [string, string][]): string[] {
  const width = Math.max(...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => indent(`${key.padEnd(width)}  ${value}`));
}

const indent = (line: string) => `  ${line}`;

const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

/**
 * Text from data made safe for a terminal: C0/C1 control characters (escape sequences, newlines,
 * tabs) and bidirectional overrides, which could reorder what is shown, become visible escapes.
 */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Columns a text takes, counted in code points (wide CJK characters are not accounted for). */
const width = (text: string) => [...text].length;

/** Text cut to `width` characters with an ellipsis (by code points, so no half surrogate). */
function cut(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}
