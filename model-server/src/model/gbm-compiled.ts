import type { PerfectTreeLayout } from './gbm-tree-layout.js';

/**
 * Walks `rows` rows of `width` values from `x[offset]` on, `lanes` at a time, through every
 * padded tree of a layout and writes row k's prediction to `out[first + k]`; returns how many
 * rows it did (`rows` rounded down to a multiple of `lanes`).
 */
export type GeneratedWalk = (
  layout: PerfectTreeLayout,
  init: number,
  x: Float64Array,
  offset: number,
  rows: number,
  width: number,
  out: Float64Array,
  first: number,
) => number;

const generated = new Map<string, GeneratedWalk | undefined>();

/**
 * The walk for trees of `depth`, `lanes` rows side by side, generated once per (depth, lanes)
 * with the levels and the rows unrolled. V8 keeps the rows' heap indices in registers only
 * when there is no inner loop, and the rows' walks are independent chains of loads that the
 * CPU overlaps: for the course model (depth 3), 8 rows side by side measured 3.7 times the
 * rows/s of the loop over levels one row at a time (docs/model.md). Only integers derived from `depth` and `lanes` (both
 * checked here) are written into the source; the walk knows nothing of a model, whose arrays
 * it takes as arguments, so every model of that depth shares it and its optimized code.
 * Undefined when the runtime forbids generating code (e.g.
 * `--disallow-code-generation-from-strings`): callers then use the generic walk.
 */
export function generatedWalk(depth: number, lanes: number): GeneratedWalk | undefined {
  if (!Number.isInteger(depth) || depth < 1 || depth > 24) throw new RangeError(`unsupported depth ${depth}`);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 32) throw new RangeError(`unsupported lanes ${lanes}`);
  const key = `${depth}/${lanes}`;
  if (!generated.has(key)) generated.set(key, compile(walkSource(depth, lanes)));
  return generated.get(key);
}

function compile(source: string): GeneratedWalk | undefined {
  try {
    return new Function(source)() as GeneratedWalk;
  } catch (error) {
    if (error instanceof EvalError) return undefined;
    throw error;
  }
}

/**
 * The source: per tree, the root (its feature and threshold shared by the rows), then
 * depth - 1 levels of `i = 2i + 1 + (x[feature] > threshold)` per row, then the leaf; each
 * row's sum runs init + tree 0 + tree 1 + ... as in the generic walk. `| 0` keeps the index
 * arithmetic in int32 (the caller keeps matrix offsets below 2^31). Adding the comparison
 * instead of branching on it avoids mispredicted branches: which way a node goes is hard to
 * predict.
 */
function walkSource(depth: number, lanes: number): string {
  const internal = 2 ** depth - 1;
  const laneIds = Array.from({ length: lanes }, (_, lane) => lane);
  const each = (line: (lane: number) => string) => laneIds.map(line).join('\n');
  const level = [
    each((l) => `      n${l} = (base + i${l}) | 0;`),
    each(
      (l) => `      i${l} = (2 * i${l} + 1 + +(x[(o${l} + features[n${l}]) | 0] > thresholds[n${l}])) | 0;`,
    ),
  ].join('\n');
  return `'use strict';
return function walk${depth}x${lanes}(layout, init, x, offset, rows, width, out, first) {
  const { trees, features, thresholds, leaves } = layout;
  let r = 0;
  for (; r + ${lanes} <= rows; r = (r + ${lanes}) | 0) {
${each((l) => (l === 0 ? '    const o0 = (offset + r * width) | 0;' : `    const o${l} = (o${l - 1} + width) | 0;`))}
${each((l) => `    let s${l} = init;`)}
    for (let t = 0; t < trees; t = (t + 1) | 0) {
      const base = (t * ${internal}) | 0;
      const rootFeature = features[base];
      const rootThreshold = thresholds[base];
${each((l) => `      let i${l} = (1 + +(x[(o${l} + rootFeature) | 0] > rootThreshold)) | 0;`)}
      let ${laneIds.map((l) => `n${l}`).join(', ')};
${Array.from({ length: depth - 1 }, () => level).join('\n')}
      const leafBase = (t * ${internal + 1} - ${internal}) | 0;
${each((l) => `      s${l} += leaves[(leafBase + i${l}) | 0];`)}
    }
${each((l) => `    out[first + r + ${l}] = s${l};`)}
  }
  return r;
};`;
}
