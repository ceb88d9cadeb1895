const HALF_LOG_TWO_PI = 0.9189385332046728;

// Lanczos approximation, g = 607/128, 15 terms (Godfrey's coefficients, as in Boost and R's lgammafn
// tables): relative error about 1e-15 for x in (0, 15].
const LANCZOS_G = 607 / 128;
const LANCZOS = [
  0.9999999999999971, 57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202,
  3.399464998481189e-5, 4.652362892704858e-5, -9.837447530487956e-5, 1.580887032249125e-4,
  -2.1026444172410488e-4, 2.1743961811521265e-4, -1.643181065367639e-4, 8.441822398385275e-5,
  -2.6190838401581408e-5, 3.6899182659531625e-6,
];

// Stirling series coefficients B_{2j} / (2j (2j - 1)), j = 1..7.
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];

/** log Γ(x) for x > 0 (NaN below), accurate to about 1e-15 relative (absolute near x = 1 and 2). */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  if (x === 1 || x === 2) return 0;
  if (x < 15) {
    if (x < 0.5) {
      // Γ(x) = Γ(x + 1) / x keeps the series in its accurate range.
      return logGamma(x + 1) - Math.log(x);
    }
    const z = x - 1;
    let sum = LANCZOS[0];
    for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
    const t = z + LANCZOS_G + 0.5;
    return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }
  const inverse = 1 / x;
  const inverseSquared = inverse * inverse;
  let series = 0;
  for (let j = STIRLING.length - 1; j >= 0; j--) series = series * inverseSquared + STIRLING[j];
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series * inverse;
}

/** log of the binomial coefficient C(n, k) for integers 0 <= k <= n. */
export function logBinomial(n: number, k: number): number {
  if (k === 0 || k === n) return 0;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}
