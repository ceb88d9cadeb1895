/**
 * scikit-learn's `simultaneous_sort` with three-way partitioning (introsort: median-of-3
 * quicksort, heapsort past the depth limit, insertion sort below 16 items), ported step for step.
 * The order it leaves equal values in decides the order sums are accumulated in, and so the
 * last bits of split scores; matching it keeps near-tied splits resolved as scikit-learn does.
 * Sorts `values[start, start + n)` and moves `indices` along.
 */
export function simultaneousSort(values: Float64Array, indices: Int32Array, start: number, n: number): void {
  if (n === 0) return;
  introsort(values, indices, start, n, 2 * Math.trunc(Math.log2(n)));
}

function introsort(
  values: Float64Array,
  indices: Int32Array,
  start: number,
  n: number,
  maxDepth: number,
): void {
  while (n > 15) {
    if (maxDepth <= 0) {
      heapsort(values, indices, start, n);
      return;
    }
    maxDepth--;
    const pivot = median3(values, start, n);
    let i = 0;
    let l = 0;
    let r = n;
    while (i < r) {
      const v = values[start + i];
      if (v < pivot) {
        swap(values, indices, start + i, start + l);
        i++;
        l++;
      } else if (v > pivot) {
        r--;
        swap(values, indices, start + i, start + r);
      } else i++;
    }
    introsort(values, indices, start, l, maxDepth);
    start += r;
    n -= r;
  }
  insertionSort(values, indices, start, n);
}

function median3(values: Float64Array, start: number, n: number): number {
  const a = values[start];
  const b = values[start + Math.trunc(n / 2)];
  const c = values[start + n - 1];
  if (a < b) {
    if (b < c) return b;
    return a < c ? c : a;
  }
  if (b < c) return a < c ? a : c;
  return b;
}

function insertionSort(values: Float64Array, indices: Int32Array, start: number, n: number): void {
  for (let i = 1; i < n; i++) {
    const value = values[start + i];
    const index = indices[start + i];
    let j = i;
    while (j > 0 && values[start + j - 1] > value) {
      values[start + j] = values[start + j - 1];
      indices[start + j] = indices[start + j - 1];
      j--;
    }
    values[start + j] = value;
    indices[start + j] = index;
  }
}

function heapsort(values: Float64Array, indices: Int32Array, start: number, n: number): void {
  for (let root = Math.trunc((n - 2) / 2); ; root--) {
    siftDown(values, indices, start, root, n);
    if (root === 0) break;
  }
  for (let end = n - 1; end > 0; end--) {
    swap(values, indices, start, start + end);
    siftDown(values, indices, start, 0, end);
  }
}

function siftDown(values: Float64Array, indices: Int32Array, start: number, root: number, end: number): void {
  for (;;) {
    const child = root * 2 + 1;
    let max = root;
    if (child < end && values[start + max] < values[start + child]) max = child;
    if (child + 1 < end && values[start + max] < values[start + child + 1]) max = child + 1;
    if (max === root) return;
    swap(values, indices, start + root, start + max);
    root = max;
  }
}

function swap(values: Float64Array, indices: Int32Array, i: number, j: number): void {
  const v = values[i];
  values[i] = values[j];
  values[j] = v;
  const k = indices[i];
  indices[i] = indices[j];
  indices[j] = k;
}
