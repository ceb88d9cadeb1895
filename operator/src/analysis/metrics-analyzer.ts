import type { CheckContext, CheckKind } from './checks/check.js';
import { checkKindOf, checkNameOf } from './checks/registry.js';
import { requestCountQuery, sampleCountCheck } from './checks/request-count.js';
import { combineVerdicts, judgeCheck, type QueryOutcome } from './judge.js';
import type { MetricsProvider, MetricsProviderFactory } from './metrics-provider.js';
import type { AnalysisResult, AnalysisTarget, Analyzer, CheckResult, CheckSpec } from './types.js';

/**
 * Analyzer over a MetricsProvider: renders every check's queries, runs them concurrently (each
 * distinct query once per run), and hands the outcomes to the pure judge.
 */
export class MetricsAnalyzer implements Analyzer {
  constructor(
    private readonly providers: MetricsProviderFactory,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async analyze(target: AnalysisTarget): Promise<AnalysisResult> {
    const time = this.now().toISOString();
    const { settings } = target;
    const ctx: CheckContext = { ...target, intervalSeconds: settings.intervalSeconds };
    const specs: CheckSpec[] = settings.checks.length > 0 ? settings.checks : [{ name: 'requestCount' }];
    let provider: MetricsProvider;
    try {
      provider = this.providers(settings.prometheusAddress);
    } catch (err) {
      const checks = specs.map((spec, i) => broken(checkNameOf(spec, i), (err as Error).message));
      return { time, verdict: 'inconclusive', checks };
    }
    const runs = new Map<string, Promise<QueryOutcome>>();
    const run = (query: string): Promise<QueryOutcome> => {
      let outcome = runs.get(query);
      if (!outcome) {
        outcome = provider.querySample(query).then(
          ({ value, labels }) => ({ value, labels }),
          (error: Error) => ({ error }),
        );
        runs.set(query, outcome);
      }
      return outcome;
    };
    const checks = await Promise.all(
      specs.map((spec, i) => {
        const kind = settings.checks.length > 0 ? undefined : sampleCountCheck;
        return this.runCheck(spec, i, kind, ctx, settings.minSampleCount, run);
      }),
    );
    return { time, verdict: combineVerdicts(checks.map((c) => c.verdict)), checks };
  }

  private async runCheck(
    spec: CheckSpec,
    index: number,
    fixedKind: CheckKind | undefined,
    ctx: CheckContext,
    minSampleCount: number,
    run: (query: string) => Promise<QueryOutcome>,
  ): Promise<CheckResult> {
    const name = checkNameOf(spec, index);
    let kind: CheckKind;
    let queries: { candidate: string; master?: string; samples: string };
    try {
      kind = fixedKind ?? checkKindOf(spec);
      if (!kind.modes.includes(ctx.mode)) {
        const reason = `not evaluated in ${ctx.mode} mode (applies to ${kind.modes.join(', ')})`;
        return {
          name,
          candidate: null,
          master: null,
          threshold: kind.threshold(spec),
          samples: 0,
          verdict: 'pass',
          reason,
        };
      }
      queries = {
        candidate: kind.query(spec, ctx, 'candidate'),
        master: kind.needsMaster(spec) ? kind.query(spec, ctx, 'master') : undefined,
        samples: kind.samplesQuery?.(spec, ctx) ?? requestCountQuery(ctx),
      };
    } catch (err) {
      return broken(name, `checks[${index}].${(err as Error).message}`);
    }
    const [candidate, master, samples] = await Promise.all([
      run(queries.candidate),
      queries.master === undefined ? undefined : run(queries.master),
      run(queries.samples),
    ]);
    return judgeCheck({ name, spec, kind, candidate, master, samples, minSampleCount });
  }
}

function broken(name: string, reason: string): CheckResult {
  return {
    name,
    candidate: null,
    master: null,
    threshold: 'none',
    samples: 0,
    verdict: 'inconclusive',
    reason,
  };
}
