import type { GbmEstimator, TreeArrays } from './artifact.js';

/** Deeper trees than this are walked node by node instead of as perfect trees (size 2^depth). */
const MAX_PERFECT_DEPTH = 12;

/**
 * Gradient-boosting inference over flat typed arrays. Trees up to depth 12 are padded to
 * perfect binary trees in heap order (children of i at 2i+1, 2i+2; padding nodes compare with
 * +Infinity so they always go left), so each level is one compare and no branch on node kind.
 * Leaf values are stored multiplied by the learning rate; the sum runs init + tree 0 + tree 1 ...
 * like scikit-learn's `predict_stages`, so results match it to the last bit for equal trees.
 */
export class GbmPredictor {
  private readonly depth: number;
  private readonly internalPerTree: number;
  private readonly leavesPerTree: number;
  private readonly features: Int32Array;
  private readonly thresholds: Float64Array;
  private readonly leaves: Float64Array;
  private readonly nodeWalk?: NodeWalk;

  constructor(
    private readonly estimator: GbmEstimator,
    readonly nFeatures: number,
  ) {
    const depth = Math.max(0, ...estimator.trees.map((tree) => treeDepth(tree, 0)));
    this.depth = depth;
    this.internalPerTree = 2 ** depth - 1;
    this.leavesPerTree = 2 ** depth;
    const trees = estimator.trees.length;
    if (depth > MAX_PERFECT_DEPTH) {
      this.nodeWalk = new NodeWalk(estimator);
      this.features = new Int32Array(0);
      this.thresholds = new Float64Array(0);
      this.leaves = new Float64Array(0);
      return;
    }
    this.features = new Int32Array(trees * this.internalPerTree);
    this.thresholds = new Float64Array(trees * this.internalPerTree).fill(Infinity);
    this.leaves = new Float64Array(trees * this.leavesPerTree);
    estimator.trees.forEach((tree, t) => this.place(tree, t, 0, 0, 0));
  }

  /** The prediction for the row starting at `x[offset]` (nFeatures values). */
  predictRow(x: ArrayLike<number>, offset = 0): number {
    if (this.nodeWalk) return this.nodeWalk.predictRow(x, offset);
    const { depth, internalPerTree: inner, leavesPerTree: outer, features, thresholds, leaves } = this;
    const trees = this.estimator.trees.length;
    let sum = this.estimator.init;
    for (let t = 0, base = 0; t < trees; t++, base += inner) {
      let i = 0;
      for (let d = 0; d < depth; d++) {
        // Adding `+(a > b)` instead of branching on `a > b ? 2 : 1` measured about twice as fast:
        // which way a node goes is hard to predict, and mispredicted branches dominate a walk.
        i = 2 * i + 1 + +(x[offset + features[base + i]] > thresholds[base + i]);
      }
      sum += leaves[t * outer + i - inner];
    }
    return sum;
  }

  /** Predicts `rows` rows of a row-major matrix into `out`. */
  predictBatch(x: Float64Array, rows: number, out: Float64Array): void {
    if (this.nodeWalk) {
      for (let r = 0; r < rows; r++) out[r] = this.nodeWalk.predictRow(x, r * this.nFeatures);
      return;
    }
    // The same walk as predictRow, with everything in locals for the hot loop.
    const {
      depth,
      internalPerTree: inner,
      leavesPerTree: outer,
      features,
      thresholds,
      leaves,
      nFeatures,
    } = this;
    const trees = this.estimator.trees.length;
    const init = this.estimator.init;
    for (let r = 0, offset = 0; r < rows; r++, offset += nFeatures) {
      let sum = init;
      for (let t = 0, base = 0, leafBase = -inner; t < trees; t++, base += inner, leafBase += outer) {
        let i = 0;
        for (let d = 0; d < depth; d++)
          i = 2 * i + 1 + +(x[offset + features[base + i]] > thresholds[base + i]);
        sum += leaves[leafBase + i];
      }
      out[r] = sum;
    }
  }

  private place(tree: TreeArrays, t: number, node: number, heap: number, level: number): void {
    if (level === this.depth) {
      this.leaves[t * this.leavesPerTree + heap - this.internalPerTree] =
        this.estimator.learningRate * tree.value[node];
      return;
    }
    const slot = t * this.internalPerTree + heap;
    const isLeaf = tree.left[node] < 0;
    if (!isLeaf) {
      this.features[slot] = tree.feature[node];
      this.thresholds[slot] = tree.threshold[node];
    }
    this.place(tree, t, isLeaf ? node : tree.left[node], 2 * heap + 1, level + 1);
    this.place(tree, t, isLeaf ? node : tree.right[node], 2 * heap + 2, level + 1);
  }
}

function treeDepth(tree: TreeArrays, node: number): number {
  if (tree.left[node] < 0) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]), treeDepth(tree, tree.right[node]));
}

/** Plain node-by-node traversal for trees too deep to pad. */
class NodeWalk {
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;

  constructor(private readonly estimator: GbmEstimator) {
    const total = estimator.trees.reduce((sum, tree) => sum + tree.value.length, 0);
    this.roots = new Int32Array(estimator.trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.value = new Float64Array(total);
    let base = 0;
    estimator.trees.forEach((tree, t) => {
      this.roots[t] = base;
      tree.value.forEach((value, i) => {
        this.feature[base + i] = tree.feature[i];
        this.threshold[base + i] = tree.threshold[i];
        this.left[base + i] = tree.left[i] < 0 ? -1 : base + tree.left[i];
        this.right[base + i] = tree.right[i] < 0 ? -1 : base + tree.right[i];
        this.value[base + i] = estimator.learningRate * value;
      });
      base += tree.value.length;
    });
  }

  predictRow(x: ArrayLike<number>, offset: number): number {
    let sum = this.estimator.init;
    for (let t = 0; t < this.roots.length; t++) {
      let node = this.roots[t];
      while (this.left[node] >= 0) {
        node = x[offset + this.feature[node]] > this.threshold[node] ? this.right[node] : this.left[node];
      }
      sum += this.value[node];
    }
    return sum;
  }
}
