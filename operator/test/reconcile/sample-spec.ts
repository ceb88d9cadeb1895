/** A valid ModelDeployment spec using every kind of check (the CRD tests mutate copies of it). */
import type { ModelDeploymentSpec } from '../../src/api/types.js';

export const valid = (): ModelDeploymentSpec => ({
  model: {
    version: '0.4.0',
    image: 'registry.example/model-server:0.4.0',
    artifact: { uri: 'http://models/gbm-0.4.0.json' },
  },
  strategy: { shadow: { duration: '10m' }, canary: { steps: [10, 25, 50], stepDuration: '5m' } },
  analysis: {
    prometheus: { address: 'http://prometheus.monitoring:9090' },
    checks: [
      { builtin: 'errorRate', max: 0.01 },
      { builtin: 'latencyP99', maxRatioToMaster: 1.25 },
      { builtin: 'predictionShift', max: 0.1 },
      { builtin: 'shadowDivergence', quantile: 0.95, max: 0.15 },
      { name: 'my-check', query: 'sum(rate(x{variant="{{variant}}"}[{{interval}}]))', max: 5 },
    ],
  },
  predictionStore: { secretRef: { name: 'house-price-db' } },
});
