/**
 * Pr(D_{n,n} >= h/n) for two samples of equal size n, 0 < h <= n, as scipy's
 * _compute_prob_outside_square: 2 Σ_k (-1)^(k+1) C(2n, n - kh) / C(2n, n), evaluated as
 * 2·A0(1 - A1(1 - A2(...))) to avoid cancellation. May round to slightly above 1.
 */
export function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * Pr(D_{m,n} >= h / lcm(m, n)) for samples of sizes m != n with gcd g, as scipy's
 * _compute_outer_prob_inside_method: Hodges' inside method over lattice paths, with the recursion
 * for 1 - p of Viehmann (2021). Keeps one sliding window of one column of the path-count matrix.
 */
export function probabilityOutsideBand(sizeA: number, sizeB: number, g: number, h: number): number {
  const m = Math.max(sizeA, sizeB);
  const n = Math.min(sizeA, sizeB);
  const mg = m / g;
  const ng = n / g;

  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let currentLength = maxj - minj;
  const window = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  for (let j = minj; j < maxj; j++) window[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastMinj = minj;
    const lastLength = currentLength;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    const shift = minj - lastMinj;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      value = (window[jj + shift] * i + value * j) / (i + j);
      window[jj] = value;
    }
    currentLength = maxj - minj;
    if (lastLength > currentLength) {
      window.fill(1, maxj - minj, Math.min(window.length, maxj - minj + (lastLength - currentLength)));
    }
  }
  return window[maxj - minj - 1];
}
