import type { GbmEstimator } from './artifact.js';
import { generatedWalk, type GeneratedWalk } from './gbm-compiled.js';
import { nodeLayout, perfectTreeLayout, type NodeLayout, type PerfectTreeLayout } from './gbm-tree-layout.js';

/** How a GbmPredictor walks its trees. */
export interface GbmPredictorOptions {
  /**
   * Use the walks generated for the trees' depth (`gbm-compiled.ts`; default true). When
   * false, or when code cannot be generated, every row takes the generic walk.
   */
  compile?: boolean;
}

/** Rows a batch walks side by side (measured best among 3, 4, 6, 8, 12 and 16). */
const BATCH_LANES = 8;

/** Offsets into the input matrix stay below this in the generated walks' int32 arithmetic. */
const INT32_LIMIT = 2 ** 31;

/**
 * Gradient-boosting inference over flat typed arrays (`gbm-tree-layout.ts`). Trees up to depth
 * 12 are walked as padded perfect trees, one compare per level and no branch on the outcome;
 * deeper ones node by node. A value goes right when `value > threshold`, so NaN goes left.
 * Each prediction is init + tree 0 + tree 1 + ... in that order (leaves pre-multiplied by the
 * learning rate), like scikit-learn's `predict_stages`, so results match it to the last bit,
 * whichever walk is used.
 */
export class GbmPredictor {
  /** Whether the generated walks are used. */
  readonly compiled: boolean;
  private readonly init: number;
  private readonly perfect?: PerfectTreeLayout;
  private readonly nodes?: NodeLayout;
  private readonly batchWalk?: GeneratedWalk;
  private readonly singleWalk?: GeneratedWalk;
  private readonly single = new Float64Array(1);

  constructor(
    estimator: GbmEstimator,
    readonly nFeatures: number,
    options: GbmPredictorOptions = {},
  ) {
    this.init = estimator.init;
    this.perfect = perfectTreeLayout(estimator);
    if (!this.perfect) this.nodes = nodeLayout(estimator);
    else if (options.compile !== false) {
      this.batchWalk = generatedWalk(this.perfect.depth, BATCH_LANES);
      this.singleWalk = generatedWalk(this.perfect.depth, 1);
    }
    this.compiled = this.batchWalk !== undefined && this.singleWalk !== undefined;
  }

  /** The prediction for the row starting at `x[offset]` (nFeatures values). */
  predictRow(x: ArrayLike<number>, offset = 0): number {
    if (this.compiled && x instanceof Float64Array && offset + this.nFeatures < INT32_LIMIT) {
      this.singleWalk!(this.perfect!, this.init, x, offset, 1, this.nFeatures, this.single, 0);
      return this.single[0];
    }
    if (this.perfect) return perfectWalk(this.perfect, this.init, x, offset);
    return nodeWalk(this.nodes!, this.init, x, offset);
  }

  /** Predicts `rows` rows of a row-major matrix into `out`. */
  predictBatch(x: Float64Array, rows: number, out: Float64Array): void {
    const width = this.nFeatures;
    if (this.compiled && rows * width < INT32_LIMIT) {
      const done = this.batchWalk!(this.perfect!, this.init, x, 0, rows, width, out, 0);
      this.singleWalk!(this.perfect!, this.init, x, done * width, rows - done, width, out, done);
      return;
    }
    for (let r = 0; r < rows; r++) out[r] = this.predictRow(x, r * width);
  }
}

/** One row through every padded tree: what the generated walks do, with a loop over levels. */
function perfectWalk(layout: PerfectTreeLayout, init: number, x: ArrayLike<number>, offset: number): number {
  const { depth, trees, internalPerTree: inner, leavesPerTree: outer, features, thresholds, leaves } = layout;
  let sum = init;
  // `| 0` keeps the heap index arithmetic in int32 (the layout has far fewer than 2^31 nodes):
  // without it V8 cannot bound the loop variables and uses slower checked arithmetic.
  for (let t = 0; t < trees; t = (t + 1) | 0) {
    const base = (t * inner) | 0;
    let i = 0;
    for (let level = 0; level < depth; level = (level + 1) | 0) {
      const node = (base + i) | 0;
      // Adding the comparison instead of branching on it: which way a node goes is hard to
      // predict, and mispredicted branches would dominate the walk.
      i = (2 * i + 1 + +(x[offset + features[node]] > thresholds[node])) | 0;
    }
    sum += leaves[(t * outer + i - inner) | 0];
  }
  return sum;
}

/** One row through every tree, node by node (trees too deep to pad). */
function nodeWalk(layout: NodeLayout, init: number, x: ArrayLike<number>, offset: number): number {
  const { roots, feature, threshold, left, right, value } = layout;
  let sum = init;
  for (let t = 0; t < roots.length; t++) {
    let node = roots[t];
    while (left[node] >= 0) node = x[offset + feature[node]] > threshold[node] ? right[node] : left[node];
    sum += value[node];
  }
  return sum;
}
