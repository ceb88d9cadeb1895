import { durbinMatrixCdf } from './kolmogorov-durbin.js';
import { pelzGoodCdf } from './kolmogorov-pelz-good.js';
import { pomeranzCdf } from './kolmogorov-pomeranz.js';
import { smirnovSurvival } from './smirnov.js';

const LOG_2PI = Math.log(2 * Math.PI);
// B_2j / (2j (2j - 1)) for j = 8 .. 1, highest power first (scipy's _STIRLING_COEFFS).
const STIRLING_COEFFICIENTS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 8.417508417508417e-4,
  -5.952380952380953e-4, 7.936507936507937e-4, -0.002777777777777778, 0.08333333333333333,
];

/** The algorithm that kolmogorovTwoSidedSurvival used: which of SciPy's _kolmogn branches. */
export type KolmogorovBranch = 'closed-form' | 'durbin' | 'pomeranz' | 'pelz-good' | 'smirnov';

/** log(n! / n^n) by Stirling's series with n log n removed up front, as scipy does. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let series = 0;
  for (const coefficient of STIRLING_COEFFICIENTS) series = series * (rn / n) + coefficient;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * series;
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/**
 * Pr(D_n >= x) for the two-sided one-sample Kolmogorov–Smirnov statistic: scipy.stats.kstwo.sf(x, n),
 * following scipy's _kolmogn (Simard & L'Ecuyer 2011): Ruben–Gambino closed forms at the edges,
 * 2·smirnov for x >= 0.5 and for large n x², Durbin's matrix (MTW), Pomeranz's recursion for
 * n <= 140, and the Pelz–Good approximation otherwise.
 */
export function kolmogorovTwoSidedSurvival(n: number, x: number): number {
  return kolmogorovTwoSidedSurvivalWithBranch(n, x).survival;
}

/** kolmogorovTwoSidedSurvival, also telling which branch computed it (for tests and diagnostics). */
export function kolmogorovTwoSidedSurvivalWithBranch(
  n: number,
  x: number,
): { survival: number; branch: KolmogorovBranch } {
  const closed = (survival: number) => ({ survival: clip(survival), branch: 'closed-form' as const });
  if (!(n >= 1) || !Number.isInteger(n) || Number.isNaN(x)) return closed(Number.NaN);
  // kstwo's support is [0.5/n, 1].
  if (x <= 0.5 / n) return closed(1);
  if (x >= 1) return closed(0);

  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return closed(1);
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return closed(1 - cdf);
  }
  if (t >= n - 1) return closed(2 * (1 - x) ** n);
  const twiceSmirnov = () => ({ survival: clip(2 * smirnovSurvival(n, x)), branch: 'smirnov' as const });
  if (x >= 0.5) return twiceSmirnov();

  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return { survival: clip(1 - durbinMatrixCdf(n, x)), branch: 'durbin' };
    if (nxSquared <= 4) return { survival: clip(1 - pomeranzCdf(n, x)), branch: 'pomeranz' };
    return twiceSmirnov();
  }
  if (nxSquared >= 370) return closed(0);
  if (nxSquared >= 2.2) return twiceSmirnov();
  if (n <= 100000 && n * x ** 1.5 <= 1.4) {
    return { survival: clip(1 - durbinMatrixCdf(n, x)), branch: 'durbin' };
  }
  return { survival: clip(1 - pelzGoodCdf(n, x)), branch: 'pelz-good' };
}
