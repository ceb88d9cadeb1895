import { RandomState } from './numpy-random.js';

/** Row indices of the two parts of a train/test split. */
export interface SplitIndices {
  train: Int32Array;
  test: Int32Array;
}

/**
 * The split of scikit-learn's `train_test_split(test_size=..., random_state=seed)` without
 * stratification: test = the first ceil(test_size * n) of a seeded permutation, train = the
 * next floor((1 - test_size) * n), in permutation order.
 */
export function trainTestSplit(n: number, testSize: number, seed: number): SplitIndices {
  const nTest = Math.ceil(testSize * n);
  const nTrain = Math.floor((1 - testSize) * n);
  if (nTest < 1 || nTrain < 1)
    throw new RangeError(`test_size ${testSize} leaves an empty part of ${n} rows`);
  const permutation = new RandomState(seed).permutation(n);
  return { test: permutation.slice(0, nTest), train: permutation.slice(nTest, nTest + nTrain) };
}
