import type { Comparison, Tolerance } from './compare.js';

/** What the report says about each side. */
export interface SideDescription {
  source: string;
  model?: string;
}

const money = (value: number | null) =>
  value === null
    ? 'left out'
    : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A readable plain-text report of a comparison; lists at most `maxListed` differences. */
export function formatReport(
  sides: { a: SideDescription; b: SideDescription },
  payloads: string[],
  tolerance: Tolerance,
  comparison: Comparison,
  maxListed = 20,
): string {
  const describe = (side: SideDescription) => (side.model ? `${side.source} (${side.model})` : side.source);
  const lines = [
    `A: ${describe(sides.a)}`,
    `B: ${describe(sides.b)}`,
    `payloads: ${payloads.join(', ')}`,
    `tolerance: |A - B| <= max(${tolerance.relative} x max(|A|, |B|), ${tolerance.absolute})`,
    `compared ${comparison.compared} records: ${comparison.matching} within tolerance` +
      (comparison.bothLeftOut > 0 ? ` (${comparison.bothLeftOut} left out by both)` : '') +
      `, ${comparison.differences.length} differ`,
    `largest difference: ${money(comparison.maxAbsolute)} absolute` +
      (comparison.worst ? ` (${comparison.worst})` : '') +
      `, ${(comparison.maxRelative * 100).toFixed(4)}% relative`,
  ];
  if (comparison.differences.length > 0) {
    const listed = comparison.differences.slice(0, maxListed);
    lines.push(
      `differences${comparison.differences.length > listed.length ? ` (first ${listed.length})` : ''}:`,
    );
    const width = Math.max(...listed.map((difference) => difference.label.length));
    for (const difference of listed) {
      const detail = Number.isFinite(difference.absolute)
        ? `diff ${money(difference.absolute)} (${(difference.relative * 100).toFixed(3)}%)`
        : 'predicted by one side only';
      lines.push(
        `  ${difference.label.padEnd(width)}  A ${money(difference.a)}  B ${money(difference.b)}  ${detail}`,
      );
    }
  }
  lines.push(comparison.differences.length === 0 ? 'RESULT: same predictions' : 'RESULT: predictions differ');
  return lines.join('\n') + '\n';
}
