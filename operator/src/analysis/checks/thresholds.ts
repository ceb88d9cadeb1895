import type { CheckSpec } from '../types.js';
import type { ValueVerdict } from './check.js';

/** The bounds of `spec` as text, e.g. `<= 0.01` or `<= 1.25 × master, <= 0.5`. */
export function boundsText(spec: CheckSpec): string {
  const parts: string[] = [];
  if (spec.maxRatioToMaster !== undefined) parts.push(`<= ${spec.maxRatioToMaster} × master`);
  if (spec.max !== undefined) parts.push(`<= ${spec.max}`);
  if (spec.min !== undefined) parts.push(`>= ${spec.min}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/**
 * Judges `value` against every bound of `spec` (`max`, `min`, `maxRatioToMaster`); all must
 * hold. A check without any bound is inconclusive rather than a silent pass.
 */
export function judgeBounds(spec: CheckSpec, value: number, master: number | null): ValueVerdict {
  const broken: string[] = [];
  const show = (n: number) => String(Number(n.toPrecision(4)));
  if (spec.max !== undefined && value > spec.max) broken.push(`${show(value)} > max ${spec.max}`);
  if (spec.min !== undefined && value < spec.min) broken.push(`${show(value)} < min ${spec.min}`);
  if (spec.maxRatioToMaster !== undefined) {
    if (master === null) return { verdict: 'inconclusive', reason: 'no master value to compare with' };
    const limit = master * spec.maxRatioToMaster;
    if (value > limit) broken.push(`${show(value)} > ${spec.maxRatioToMaster} × master ${show(master)}`);
  }
  if (spec.max === undefined && spec.min === undefined && spec.maxRatioToMaster === undefined) {
    return { verdict: 'inconclusive', reason: 'no threshold set (max, min or maxRatioToMaster)' };
  }
  return broken.length > 0 ? { verdict: 'fail', reason: broken.join('; ') } : { verdict: 'pass' };
}
