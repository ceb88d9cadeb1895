import { regularizedGammaQ } from './incomplete-gamma.js';

/** Result of Pearson's chi-square test of independence on a contingency table. */
export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  /** Degrees of freedom: (rows - 1)(columns - 1). */
  dof: number;
}

/** The chi-square survival function Pr(X >= x) with dof degrees of freedom, as scipy.stats.chi2.sf. */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(dof / 2, x / 2);
}

/** Expected counts under independence: row total × column total / grand total. */
function expectedCounts(table: readonly (readonly number[])[]): number[][] {
  const columns = table[0].length;
  const rowTotals = table.map((row) => row.reduce((sum, value) => sum + value, 0));
  const columnTotals = Array.from({ length: columns }, (_, j) => table.reduce((sum, row) => sum + row[j], 0));
  const total = rowTotals.reduce((sum, value) => sum + value, 0);
  return table.map((_, i) => columnTotals.map((columnTotal) => (rowTotals[i] * columnTotal) / total));
}

/** As scipy.stats.chi2_contingency(table) with its default Yates correction when dof == 1. */
export function chiSquareContingency(table: readonly (readonly number[])[]): ChiSquareResult {
  if (table.length === 0 || table[0].length === 0) throw new Error('the contingency table is empty');
  const columns = table[0].length;
  for (const row of table) {
    if (row.length !== columns) throw new Error('the contingency table rows differ in length');
    for (const value of row) {
      if (!Number.isFinite(value) || value < 0) {
        throw new Error(`contingency table counts must be finite and non-negative, got ${value}`);
      }
    }
  }
  const expected = expectedCounts(table);
  expected.forEach((row, i) =>
    row.forEach((value, j) => {
      if (value === 0) {
        throw new Error(`the expected count at (${i}, ${j}) is zero: a row or column of the table sums to 0`);
      }
    }),
  );

  const dof = (table.length - 1) * (columns - 1);
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  let statistic = 0;
  table.forEach((row, i) =>
    row.forEach((value, j) => {
      let observed = value;
      if (dof === 1) {
        // Yates: move each count towards its expectation by 0.5, but never past it.
        const difference = expected[i][j] - observed;
        observed += Math.sign(difference) * Math.min(0.5, Math.abs(difference));
      }
      statistic += (observed - expected[i][j]) ** 2 / expected[i][j];
    }),
  );
  return { statistic, pValue: chiSquareSurvival(statistic, dof), dof };
}
