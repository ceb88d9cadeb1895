const SPLITTER = 134217729; // 2^27 + 1, Veltkamp's constant for doubles

/** The exact product a·b as an unevaluated sum hi + lo (Dekker's two-product). */
export function twoProduct(a: number, b: number): { hi: number; lo: number } {
  const hi = a * b;
  const ca = SPLITTER * a;
  const aHigh = ca - (ca - a);
  const aLow = a - aHigh;
  const cb = SPLITTER * b;
  const bHigh = cb - (cb - b);
  const bLow = b - bHigh;
  const lo = aHigh * bHigh - hi + aHigh * bLow + aLow * bHigh + aLow * bLow;
  return { hi, lo };
}

/** x · 2^exponent without overflowing or underflowing the intermediate power of two. */
export function ldexp(x: number, exponent: number): number {
  let value = x;
  let e = exponent;
  while (e > 1000) {
    value *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    value *= 2 ** -1000;
    e += 1000;
  }
  return value * 2 ** e;
}

/** NumPy's np.round for a scalar: round half to even. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
