import { twoProduct } from './exact-float.js';
import { logGamma } from './log-gamma.js';

// As cephes/xsf kolmogorov.c (scipy.special.smirnov), which sums in double-double arithmetic; here
// each term is summed from its logarithm instead, with 1 - x - v/n formed from the exact n·x.
const MAX_COMPUTE_N = 1_000_000;
const UPPER_SUM_MIN_N = 10;
const UPPER_SUM_MAX_TERMS = 3;
const MIN_LOG = -745.1332191019412; // cephes MINLOG: log(2^-1075)

/** floor(n·x) and its remainder, computed from the exact product as cephes' modNX does. */
function floorAndRemainder(n: number, x: number): { floor: number; alpha: number } {
  const { hi, lo } = twoProduct(n, x);
  let floor = Math.floor(hi);
  let alpha: number;
  if (floor === hi) {
    const loFloor = Math.floor(lo);
    floor += loFloor;
    alpha = lo - loFloor;
  } else {
    alpha = hi - floor + lo;
  }
  if (alpha >= 1) {
    floor += 1;
    alpha = 0;
  }
  return { floor, alpha };
}

/**
 * The one-sided Kolmogorov–Smirnov survival function Pr(D_n+ >= x), as scipy.special.smirnov(n, x):
 * the Birnbaum–Tingey sum x Σ C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v) over v <= n(1 - x), or
 * one minus the few terms of the upper sum when x is small, and the cephes approximation for
 * n > 1,000,000.
 */
export function smirnovSurvival(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1) || !Number.isInteger(n)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;

  const { floor: nxFloor, alpha } = floorAndRemainder(n, x);
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) {
    // x <= 1/n: the CDF is x (1 + x)^(n-1).
    return clip(1 - x * Math.exp((n - 1) * Math.log1p(x)));
  }
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return clip(Math.exp(n * Math.log1p(-x)));
  if (n > MAX_COMPUTE_N) {
    const logP = -((6 * n * x + 1) ** 2) / 18 / n;
    return clip(logP < -Math.LN2 ? Math.exp(logP) : 1 + Math.expm1(logP));
  }

  // Last v of the lower sum: the largest with 1 - x - v/n > 0; the upper sum is v = n down to it + 1.
  const lastLower = n - nxFloor - 1;
  const terms = new BirnbaumTingeyTerms(n, x, nxFloor, alpha);
  const upperTerms = n - lastLower;
  if (n >= UPPER_SUM_MIN_N && upperTerms <= UPPER_SUM_MAX_TERMS && x <= 0.5 / Math.sqrt(n)) {
    let cdf = 0;
    for (let v = n; v > lastLower; v--) cdf += terms.sign(v) * Math.exp(terms.log(v));
    return clip(1 - x * cdf);
  }
  return clip(terms.lowerSum(lastLower));
}

/** The terms A_v = C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v) of the Birnbaum–Tingey sums. */
class BirnbaumTingeyTerms {
  private readonly logNFactorial: number;

  constructor(
    private readonly n: number,
    private readonly x: number,
    private readonly nxFloor: number,
    private readonly alpha: number,
  ) {
    this.logNFactorial = logGamma(n + 1);
  }

  /** log C(n, v). */
  logBinomial(v: number): number {
    return v === 0 || v === this.n ? 0 : this.logNFactorial - logGamma(v + 1) - logGamma(this.n - v + 1);
  }

  /** log |A_v|, given log C(n, v). */
  log(v: number, logBinomial = this.logBinomial(v)): number {
    const { n, x, nxFloor, alpha } = this;
    // x + v/n and 1 - x - v/n, each as (integer ± alpha) / n to keep full relative precision.
    const rising = v === 0 ? x : (nxFloor + v + alpha) / n;
    const logTerm = logBinomial + (v - 1) * Math.log(rising);
    return v === n ? logTerm : logTerm + (n - v) * Math.log(Math.abs(n - v - nxFloor - alpha) / n);
  }

  /** The sign of A_v: 1 - x - v/n is negative in the upper sum. */
  sign(v: number): number {
    return this.n - v - this.nxFloor - this.alpha < 0 && (this.n - v) % 2 === 1 ? -1 : 1;
  }

  /**
   * x · Σ_{v=0..last} A_v, all terms positive. The terms rise to one peak and fall, so the sum starts
   * at the peak (found by bisection on the sign of log A_{v+1} - log A_v) and goes outward on each
   * side until the remaining terms cannot change it (cephes' criterion): negligible terms on either
   * side are never computed. The result is rounded once, keeping its precision when subnormal.
   */
  lowerSum(last: number): number {
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (this.log(middle + 1) > this.log(middle)) low = middle + 1;
      else high = middle;
    }
    const peak = low;
    const peakLog = this.log(peak);
    const n = this.n;
    let sum = 1;
    // log C(n, v) is carried from term to term by log((n - v)/(v + 1)), summed with compensation
    // (Neumaier) so that a million steps stay accurate; this avoids two log-gamma calls per term.
    const upward = new CompensatedSum(this.logBinomial(peak));
    for (let v = peak + 1; v <= last; v++) {
      upward.add(Math.log((n - v + 1) / v));
      const term = Math.exp(this.log(v, upward.value()) - peakLog);
      sum += term;
      if (4 * (last - v + 1) * term < Number.EPSILON * sum) break;
    }
    const downward = new CompensatedSum(this.logBinomial(peak));
    for (let v = peak - 1; v >= 0; v--) {
      downward.add(Math.log((v + 1) / (n - v)));
      const term = Math.exp(this.log(v, downward.value()) - peakLog);
      sum += term;
      if (4 * (v + 1) * term < Number.EPSILON * sum) break;
    }
    return Math.exp(peakLog + Math.log(this.x * sum));
  }
}

/** Neumaier's compensated summation. */
class CompensatedSum {
  private compensation = 0;

  constructor(private sum: number) {}

  add(value: number): void {
    const total = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) this.compensation += this.sum - total + value;
    else this.compensation += value - total + this.sum;
    this.sum = total;
  }

  value(): number {
    return this.sum + this.compensation;
  }
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}
