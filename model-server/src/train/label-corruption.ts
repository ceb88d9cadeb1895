import type { LabelCorruption } from './config-types.js';
import { RandomState } from './numpy-random.js';

/**
 * Damages training labels on purpose (only for a deliberately bad model, e.g. the demo's
 * rollback): `shuffle` permutes them with the seed, `scale` multiplies them by `factor`.
 */
export function corruptLabels(y: Float64Array, corruption: LabelCorruption, seed: number): Float64Array {
  switch (corruption.kind) {
    case 'none':
      return Float64Array.from(y);
    case 'scale':
      return y.map((v) => v * corruption.factor);
    case 'shuffle': {
      const order = new RandomState(seed).permutation(y.length);
      return Float64Array.from(order, (i) => y[i]);
    }
  }
}
