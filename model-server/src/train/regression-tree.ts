import type { TreeArrays } from '../model/artifact.js';
import { simultaneousSort } from './introsort.js';
import { RegressionCriterion, type SplitCriterion } from './split-criterion.js';

/** Growth limits of one tree (scikit-learn `DecisionTreeRegressor` names, camelCase). */
export interface TreeSettings {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  criterion: SplitCriterion;
}

/** Training features by column, rounded to float32 as scikit-learn's trees see them. */
export interface ColumnMatrix {
  n: number;
  columns: Float64Array[];
}

/** Values closer than this count as equal (scikit-learn's FEATURE_THRESHOLD). */
const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;
export const LEAF = -1;
export const UNDEFINED = -2;

export function columnMatrix(columns: Float64Array[]): ColumnMatrix {
  return { n: columns[0]?.length ?? 0, columns: columns.map((column) => column.map(Math.fround)) };
}

interface StackRecord {
  start: number;
  end: number;
  depth: number;
  parent: number;
  isLeft: boolean;
  impurity: number;
  nConstant: number;
}

/**
 * Fits a regression tree to `y` over the rows `samples` as scikit-learn's depth-first builder
 * and best splitter do, step for step: features visited in the order its `rand_r` stream draws
 * them (seeded by `seed`), known-constant features skipped, candidate thresholds halfway between
 * consecutive distinct values, the first strictly better score kept. Same data, settings and
 * seed give the same tree as scikit-learn, including which of two equally good splits wins.
 */
export function fitRegressionTree(
  matrix: ColumnMatrix,
  y: Float64Array,
  samples: Int32Array,
  settings: TreeSettings,
  seed: number,
): TreeArrays {
  return new TreeBuilder(matrix, y, Int32Array.from(samples), settings, seed).build();
}

/** The leaf `row` of a column matrix falls into (scikit-learn's `apply`). */
export function applyTree(tree: TreeArrays, columns: Float64Array[], row: number): number {
  let node = 0;
  while (tree.left[node] !== LEAF) {
    node = columns[tree.feature[node]][row] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return node;
}

class TreeBuilder {
  private readonly tree: TreeArrays = { feature: [], threshold: [], left: [], right: [], value: [] };
  private readonly values: Float64Array;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private readonly criterion: RegressionCriterion;
  private random: number;

  constructor(
    private readonly m: ColumnMatrix,
    y: Float64Array,
    private readonly samples: Int32Array,
    private readonly settings: TreeSettings,
    seed: number,
  ) {
    this.values = new Float64Array(samples.length);
    this.features = Int32Array.from(m.columns, (_, i) => i);
    this.constantFeatures = new Int32Array(m.columns.length);
    this.criterion = new RegressionCriterion(y, samples, settings.criterion);
    this.random = seed >>> 0;
  }

  build(): TreeArrays {
    const { maxDepth, minSamplesSplit, minSamplesLeaf } = this.settings;
    const stack: StackRecord[] = [
      {
        start: 0,
        end: this.samples.length,
        depth: 0,
        parent: -1,
        isLeft: false,
        impurity: Infinity,
        nConstant: 0,
      },
    ];
    let first = true;
    while (stack.length > 0) {
      const record = stack.pop()!;
      const { start, end, depth } = record;
      const n = end - start;
      this.criterion.init(start, end);
      let isLeaf = depth >= maxDepth || n < minSamplesSplit || n < 2 * minSamplesLeaf;
      if (first) {
        record.impurity = this.criterion.nodeImpurity();
        first = false;
      }
      isLeaf ||= record.impurity <= EPSILON;
      const split = isLeaf ? undefined : this.bestSplit(record);
      if (!split || split.pos >= end || split.improvement + EPSILON < 0) isLeaf = true;
      const id = this.addNode(record, isLeaf ? undefined : split);
      if (!isLeaf && split) {
        const common = { depth: depth + 1, parent: id, nConstant: record.nConstant };
        stack.push({ ...common, start: split.pos, end, isLeft: false, impurity: split.impurityRight });
        stack.push({ ...common, start, end: split.pos, isLeft: true, impurity: split.impurityLeft });
      }
    }
    return this.tree;
  }

  private addNode(record: StackRecord, split?: { feature: number; threshold: number }): number {
    const t = this.tree;
    const id = t.value.length;
    if (record.parent >= 0) (record.isLeft ? t.left : t.right)[record.parent] = id;
    t.feature.push(split ? split.feature : UNDEFINED);
    t.threshold.push(split ? split.threshold : UNDEFINED);
    t.left.push(LEAF);
    t.right.push(LEAF);
    t.value.push(this.criterion.sumTotal / this.criterion.weightNode);
    return id;
  }

  /** scikit-learn's `node_split_best`; updates `record.nConstant` for the children. */
  private bestSplit(record: StackRecord) {
    const { start, end } = record;
    const { samples, values: fv, features, constantFeatures: known, criterion } = this;
    const nFeatures = features.length;
    const nKnownConstants = record.nConstant;
    let nTotalConstants = nKnownConstants;
    let nFoundConstants = 0;
    let nDrawnConstants = 0;
    let nVisited = 0;
    let fI = nFeatures;
    let best = -Infinity;
    let found: { feature: number; threshold: number; pos: number } | undefined;
    while (fI > nTotalConstants && (nVisited < nFeatures || nVisited <= nFoundConstants + nDrawnConstants)) {
      nVisited++;
      let fJ = nDrawnConstants + (this.nextRandom() % (fI - nFoundConstants - nDrawnConstants));
      if (fJ < nKnownConstants) {
        swap(features, nDrawnConstants, fJ);
        nDrawnConstants++;
        continue;
      }
      fJ += nFoundConstants;
      const feature = features[fJ];
      const column = this.m.columns[feature];
      for (let p = start; p < end; p++) fv[p] = column[samples[p]];
      simultaneousSort(fv, samples, start, end - start);
      if (fv[end - 1] <= fv[start] + FEATURE_THRESHOLD) {
        swap(features, fJ, nTotalConstants);
        nFoundConstants++;
        nTotalConstants++;
        continue;
      }
      fI--;
      swap(features, fI, fJ);
      criterion.reset();
      for (let p = start; p < end;) {
        p++;
        while (p < end && fv[p] <= fv[p - 1] + FEATURE_THRESHOLD) p++;
        if (p === end) continue;
        if (p - start < this.settings.minSamplesLeaf || end - p < this.settings.minSamplesLeaf) continue;
        criterion.update(p);
        const score = criterion.proxyImprovement();
        if (score > best) {
          best = score;
          found = { feature, threshold: fv[p - 1] / 2 + fv[p] / 2, pos: p };
        }
      }
    }
    features.set(known.subarray(0, nKnownConstants), 0);
    known.set(features.subarray(nKnownConstants, nKnownConstants + nFoundConstants), nKnownConstants);
    record.nConstant = nTotalConstants;
    if (!found) return undefined;
    this.partition(start, end, found.feature, found.threshold);
    criterion.reset();
    criterion.update(found.pos);
    const [impurityLeft, impurityRight] = criterion.childrenImpurity();
    const improvement = criterion.improvement(
      record.impurity,
      impurityLeft,
      impurityRight,
      this.samples.length,
    );
    return { ...found, impurityLeft, impurityRight, improvement };
  }

  /** scikit-learn's `partition_samples_final`: left = value <= threshold, by swaps from both ends. */
  private partition(start: number, end: number, feature: number, threshold: number): void {
    const column = this.m.columns[feature];
    const samples = this.samples;
    let low = start;
    let high = end;
    while (low < high) {
      if (column[samples[low]] <= threshold) low++;
      else {
        high--;
        swap(samples, low, high);
      }
    }
  }

  /** scikit-learn's `our_rand_r` (xorshift, result below 2^31). */
  private nextRandom(): number {
    let s = this.random === 0 ? 1 : this.random;
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    this.random = s;
    return s % 0x80000000;
  }
}

function swap(array: Int32Array, i: number, j: number): void {
  const t = array[i];
  array[i] = array[j];
  array[j] = t;
}
