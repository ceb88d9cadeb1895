import type { AnalysisResult, AnalysisTarget, Analyzer } from '../analysis/types.js';
import type { OperatorMetrics } from './types.js';

/**
 * Wraps an Analyzer so every analysis run is exported as metrics; the composition root uses it,
 * so the reconciler does not have to call `recordAnalysis` itself.
 */
export function withAnalysisMetrics(analyzer: Analyzer, metrics: OperatorMetrics): Analyzer {
  return {
    async analyze(target: AnalysisTarget): Promise<AnalysisResult> {
      const result = await analyzer.analyze(target);
      metrics.recordAnalysis(target, result);
      return result;
    },
  };
}
