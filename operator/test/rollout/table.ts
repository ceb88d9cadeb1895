/** Runs rows of a state-machine table: one test per row, checking the decision against the row. */
import test from 'ava';
import type { ModelDeploymentStatus, Phase } from '../../src/api/types.js';
import { decide } from '../../src/rollout/index.js';
import type { RolloutDecision, RolloutInput } from '../../src/rollout/types.js';
import { analysis, input, iso, spec } from './fixtures.js';

export interface Row {
  name: string;
  status: ModelDeploymentStatus;
  over?: Partial<RolloutInput>;
  phase: Phase;
  weight?: number;
  mirror?: number;
  /** Version of the desired candidate Deployment; null: none. */
  candidate?: string | null;
  master?: string;
  events?: string[];
  check?: (out: RolloutDecision) => unknown;
}

export const shadowOnly = (promotion: 'Automatic' | 'Manual' = 'Automatic') =>
  spec('v2', { strategy: { shadow: { duration: '10m' }, promotion } });
export const canaryOnly = (promotion: 'Automatic' | 'Manual' = 'Automatic') =>
  spec('v2', { strategy: { canary: { steps: [10, 50], stepDuration: '5m' }, promotion } });
export const lastAnalysis = (at: number, verdict: 'pass' | 'fail' | 'inconclusive' = 'pass') => ({
  ...analysis(verdict),
  time: iso(at),
});

/** Registers one test per row. */
export function runTable(rows: Row[]): void {
  for (const row of rows) {
    test(row.name, (t) => {
      const out = decide(input(row.status, row.over));
      t.is(out.status.phase, row.phase, out.status.message);
      if (row.weight !== undefined) t.is(out.traffic.canaryWeight, row.weight, 'canary weight');
      if (row.mirror !== undefined) t.is(out.traffic.mirrorPercent, row.mirror, 'mirror percent');
      if (row.candidate !== undefined)
        t.is(out.candidate?.version ?? null, row.candidate, 'candidate Deployment');
      if (row.master !== undefined) t.is(out.master.version, row.master, 'master Deployment');
      if (row.events !== undefined)
        t.deepEqual(
          out.events.map((e) => e.reason),
          row.events,
        );
      t.is(out.status.canaryWeight, out.traffic.canaryWeight);
      t.is(out.status.observedGeneration, 2);
      if (row.check) t.truthy(row.check(out), JSON.stringify(out.status, null, 1));
    });
  }
}
