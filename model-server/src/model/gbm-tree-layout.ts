import type { GbmEstimator, TreeArrays } from './artifact.js';

/** Deeper ensembles are not padded: a perfect tree of depth d has 2^d leaves. */
export const MAX_PERFECT_DEPTH = 12;

/**
 * Every tree of an ensemble padded to a perfect binary tree of one common depth, all trees in
 * one contiguous layout. Tree t's internal nodes are `features`/`thresholds`
 * [t * internalPerTree, (t + 1) * internalPerTree) in heap order (children of node i at 2i+1
 * and 2i+2); its leaves are `leaves` [t * leavesPerTree, (t + 1) * leavesPerTree), left to
 * right. A walk goes right when `x[feature] > threshold`, so after `depth` steps from i = 0 the
 * heap index minus `internalPerTree` is the leaf. Padding nodes have threshold +Infinity: every
 * value, NaN included, goes left there, to a copy of the leaf they replace.
 */
export interface PerfectTreeLayout {
  /** Steps from root to leaf, at least 1 (an ensemble of single leaves is padded to depth 1). */
  depth: number;
  trees: number;
  /** 2^depth - 1 */
  internalPerTree: number;
  /** 2^depth */
  leavesPerTree: number;
  features: Int32Array;
  thresholds: Float64Array;
  /** Leaf values already multiplied by the learning rate. */
  leaves: Float64Array;
}

/** The deepest root-to-leaf path of the ensemble (0 for single leaves). */
export function ensembleDepth(trees: readonly TreeArrays[]): number {
  return Math.max(0, ...trees.map((tree) => treeDepth(tree, 0)));
}

/** The padded layout of `estimator`'s trees, or undefined when they are deeper than MAX_PERFECT_DEPTH. */
export function perfectTreeLayout(estimator: GbmEstimator): PerfectTreeLayout | undefined {
  const depth = Math.max(1, ensembleDepth(estimator.trees));
  if (depth > MAX_PERFECT_DEPTH) return undefined;
  const trees = estimator.trees.length;
  const internalPerTree = 2 ** depth - 1;
  const leavesPerTree = 2 ** depth;
  const layout: PerfectTreeLayout = {
    depth,
    trees,
    internalPerTree,
    leavesPerTree,
    features: new Int32Array(trees * internalPerTree),
    thresholds: new Float64Array(trees * internalPerTree).fill(Infinity),
    leaves: new Float64Array(trees * leavesPerTree),
  };
  const place = (tree: TreeArrays, t: number, node: number, heap: number, level: number): void => {
    if (level === depth) {
      layout.leaves[t * leavesPerTree + heap - internalPerTree] = estimator.learningRate * tree.value[node];
      return;
    }
    const isLeaf = tree.left[node] < 0;
    if (!isLeaf) {
      layout.features[t * internalPerTree + heap] = tree.feature[node];
      layout.thresholds[t * internalPerTree + heap] = tree.threshold[node];
    }
    place(tree, t, isLeaf ? node : tree.left[node], 2 * heap + 1, level + 1);
    place(tree, t, isLeaf ? node : tree.right[node], 2 * heap + 2, level + 1);
  };
  estimator.trees.forEach((tree, t) => place(tree, t, 0, 0, 0));
  return layout;
}

/**
 * All trees' nodes in scikit-learn's layout, concatenated: tree t starts at `roots[t]`,
 * children are absolute indices, leaves have left = -1 and their value times the learning rate.
 */
export interface NodeLayout {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** The concatenated node layout of `estimator`'s trees (for trees too deep to pad). */
export function nodeLayout(estimator: GbmEstimator): NodeLayout {
  const total = estimator.trees.reduce((sum, tree) => sum + tree.value.length, 0);
  const layout: NodeLayout = {
    roots: new Int32Array(estimator.trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    left: new Int32Array(total),
    right: new Int32Array(total),
    value: new Float64Array(total),
  };
  let base = 0;
  estimator.trees.forEach((tree, t) => {
    layout.roots[t] = base;
    tree.value.forEach((value, i) => {
      layout.feature[base + i] = tree.feature[i];
      layout.threshold[base + i] = tree.threshold[i];
      layout.left[base + i] = tree.left[i] < 0 ? -1 : base + tree.left[i];
      layout.right[base + i] = tree.right[i] < 0 ? -1 : base + tree.right[i];
      layout.value[base + i] = estimator.learningRate * value;
    });
    base += tree.value.length;
  });
  return layout;
}

function treeDepth(tree: TreeArrays, node: number): number {
  if (tree.left[node] < 0) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]), treeDepth(tree, tree.right[node]));
}
