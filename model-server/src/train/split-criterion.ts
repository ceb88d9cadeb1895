/** Split scores a tree can rank candidate splits by (equal orderings; they differ in rounding only). */
export const SPLIT_CRITERIA = ['friedman_mse', 'squared_error'] as const;
export type SplitCriterion = (typeof SPLIT_CRITERIA)[number];

/**
 * scikit-learn's regression criterion state for one node, ported with its accumulation order:
 * sums over the node in sample order, left sums moved forward from the last position or back
 * from the end (whichever is shorter), right sums as total minus left. Unit sample weights.
 */
export class RegressionCriterion {
  sumTotal = 0;
  sqSumTotal = 0;
  weightNode = 0;
  sumLeft = 0;
  sumRight = 0;
  weightLeft = 0;
  weightRight = 0;
  private pos = 0;
  private start = 0;
  private end = 0;

  constructor(
    private readonly y: Float64Array,
    private readonly samples: Int32Array,
    private readonly kind: SplitCriterion,
  ) {}

  /** Starts a node over `samples[start, end)`. */
  init(start: number, end: number): void {
    this.start = start;
    this.end = end;
    this.sumTotal = 0;
    this.sqSumTotal = 0;
    this.weightNode = 0;
    for (let p = start; p < end; p++) {
      const yi = this.y[this.samples[p]];
      this.sumTotal += yi;
      this.sqSumTotal += yi * yi;
      this.weightNode += 1;
    }
    this.reset();
  }

  reset(): void {
    this.pos = this.start;
    this.sumLeft = 0;
    this.sumRight = this.sumTotal;
    this.weightLeft = 0;
    this.weightRight = this.weightNode;
  }

  /** Moves the split position to `newPos` (left = samples[start, newPos)). */
  update(newPos: number): void {
    if (newPos - this.pos <= this.end - newPos) {
      for (let p = this.pos; p < newPos; p++) {
        this.sumLeft += this.y[this.samples[p]];
        this.weightLeft += 1;
      }
    } else {
      this.sumLeft = this.sumTotal;
      this.weightLeft = this.weightNode;
      for (let p = this.end - 1; p >= newPos; p--) {
        this.sumLeft -= this.y[this.samples[p]];
        this.weightLeft -= 1;
      }
    }
    this.weightRight = this.weightNode - this.weightLeft;
    this.sumRight = this.sumTotal - this.sumLeft;
    this.pos = newPos;
  }

  /** A score that ranks splits like the impurity decrease (larger is better). */
  proxyImprovement(): number {
    if (this.kind === 'friedman_mse') {
      const diff = this.weightRight * this.sumLeft - this.weightLeft * this.sumRight;
      return (diff * diff) / (this.weightLeft * this.weightRight);
    }
    return (
      (this.sumLeft * this.sumLeft) / this.weightLeft + (this.sumRight * this.sumRight) / this.weightRight
    );
  }

  nodeImpurity(): number {
    return this.sqSumTotal / this.weightNode - (this.sumTotal / this.weightNode) ** 2;
  }

  /** Impurities of the two children at the current position. */
  childrenImpurity(): [number, number] {
    let sqSumLeft = 0;
    for (let p = this.start; p < this.pos; p++) {
      const yi = this.y[this.samples[p]];
      sqSumLeft += yi * yi;
    }
    const sqSumRight = this.sqSumTotal - sqSumLeft;
    return [
      sqSumLeft / this.weightLeft - (this.sumLeft / this.weightLeft) ** 2,
      sqSumRight / this.weightRight - (this.sumRight / this.weightRight) ** 2,
    ];
  }

  /** The weighted impurity decrease of the split at the current position (scikit-learn's formula). */
  improvement(parentImpurity: number, left: number, right: number, totalWeight: number): number {
    return (
      (this.weightNode / totalWeight) *
      (parentImpurity -
        (this.weightRight / this.weightNode) * right -
        (this.weightLeft / this.weightNode) * left)
    );
  }
}
