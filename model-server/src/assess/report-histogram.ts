import { MISSING_BIN, UNSEEN_BIN } from '../model/profile-bins.js';
import { markup, type Markup } from './html-markup.js';
import { formatCount, formatPercent } from './report-format.js';
import type { BinnedComparison } from './types.js';

/** Colours of the reference (training, master) and compared (live, candidate) series. */
export const SERIES_COLORS = { reference: '#4e79a7', compared: '#f28e2b' } as const;

/** What a histogram shows: the bins and the names of its two series. */
export interface HistogramSpec {
  id: string;
  /** Width of the drawing in its own units; wider for the plots that get half the page. */
  width?: number;
  title: string;
  description: string;
  bins: BinnedComparison;
  reference: string;
  compared: string;
}

const CHART = { width: 400, height: 250, top: 28, right: 8, bottom: 80, left: 40 };
/** Width of the prediction and shadow plots, which sit beside a table. */
export const WIDE_CHART = 540;
/** Longest bin label drawn in full; the whole label is in the bar's tooltip. */
const LABEL_CHARS = 16;
const TICK_STEPS = [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5];

/**
 * Training (or master) and live (or candidate) shares per bin as side-by-side bars, with the
 * y axis in percent of each series' rows, so samples of different sizes compare.
 */
export function histogram(spec: HistogramSpec): Markup {
  const { height, top, right, bottom, left } = CHART;
  const width = spec.width ?? CHART.width;
  const { labels } = spec.bins;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const reference = shares(spec.bins.trainingCounts);
  const compared = shares(spec.bins.liveCounts);
  const highest = Math.max(0, ...reference, ...compared);
  const step = TICK_STEPS.find((s) => highest / s <= 5) ?? 0.25;
  const yMax = Math.min(1, Math.max(step, Math.ceil(highest / step - 1e-9) * step));
  const y = (share: number) => top + plotHeight - (share / yMax) * plotHeight;
  const n = Math.max(1, labels.length);
  const group = plotWidth / n;
  const bar = group * 0.38;
  const ticks = Array.from({ length: Math.round(yMax / step) + 1 }, (_, k) => k * step);
  const rotate = labels.some((l) => [...l].length * 6 > group);
  const firstSpecial = labels.findIndex((l) => l === UNSEEN_BIN || l === MISSING_BIN);
  const px = (v: number) => v.toFixed(1);

  const grid = ticks.map((t) => {
    const at = px(y(t));
    return markup`<line class="grid" x1="${left}" x2="${width - right}" y1="${at}" y2="${at}"/><text class="tick" x="${left - 6}" y="${px(y(t) + 4)}" text-anchor="end">${formatTickPercent(t, step)}</text>`;
  });
  const bars = labels.map((label, i) => {
    const x = left + i * group + group * 0.12;
    const rect = (share: number, offset: number, series: keyof typeof SERIES_COLORS) =>
      share > 0
        ? markup`<rect x="${px(x + offset)}" y="${px(y(share))}" width="${px(bar)}" height="${px(top + plotHeight - y(share))}" fill="${SERIES_COLORS[series]}"/>`
        : '';
    const cx = px(left + (i + 0.5) * group);
    const ly = px(top + plotHeight + 14);
    const shown = shorten(label, LABEL_CHARS);
    const tip =
      `${label}: ${spec.reference} ${formatPercent(reference[i] ?? 0)} (${formatCount(spec.bins.trainingCounts[i] ?? 0)}), ` +
      `${spec.compared} ${formatPercent(compared[i] ?? 0)} (${formatCount(spec.bins.liveCounts[i] ?? 0)})`;
    const text = rotate
      ? markup`<text class="label" x="${cx}" y="${ly}" text-anchor="end" transform="rotate(-40 ${cx} ${ly})">${shown}</text>`
      : markup`<text class="label" x="${cx}" y="${ly}" text-anchor="middle">${shown}</text>`;
    return markup`<g><title>${tip}</title>${rect(reference[i] ?? 0, 0, 'reference')}${rect(compared[i] ?? 0, bar, 'compared')}${text}</g>`;
  });
  const dividerX = px(left + firstSpecial * group);
  const divider =
    firstSpecial > 0
      ? markup`<line class="divider" x1="${dividerX}" x2="${dividerX}" y1="${top}" y2="${top + plotHeight}"/>`
      : '';
  // The second legend entry starts after the first one's text, estimated at 6.6 units a character.
  const second = left + Math.min(220, [...spec.reference].length * 6.6 + 34);
  const legend = markup`<g class="legend">
<rect x="${left}" y="9" width="11" height="11" fill="${SERIES_COLORS.reference}"/><text x="${left + 16}" y="19">${spec.reference}</text>
<rect x="${px(second)}" y="9" width="11" height="11" fill="${SERIES_COLORS.compared}"/><text x="${px(second + 16)}" y="19">${spec.compared}</text>
</g>`;
  const baseline = top + plotHeight;
  return markup`<svg role="img" aria-labelledby="${spec.id}-title ${spec.id}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
<title id="${spec.id}-title">${spec.title}</title>
<desc id="${spec.id}-desc">${spec.description}</desc>
${legend}
${grid}
${divider}
${bars}
<line class="axis" x1="${left}" x2="${width - right}" y1="${baseline}" y2="${baseline}"/>
</svg>`;
}

function formatTickPercent(share: number, step: number): string {
  return `${(share * 100).toFixed(step < 0.01 || step === 0.025 ? 1 : 0)}%`;
}

export const sum = (counts: number[]) => counts.reduce((s, c) => s + c, 0);

function shares(counts: number[]): number[] {
  const total = sum(counts);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

function shorten(text: string, max: number): string {
  const points = [...text];
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}
