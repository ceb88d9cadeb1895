/** The pure rollout state machine: decide() and planAnalysis(), with their types. */
export { decide } from './decide.js';
export { planAnalysis, analysisDueAt } from './analysis.js';
export type * from './types.js';
