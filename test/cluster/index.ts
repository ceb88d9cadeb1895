export { ensureKubeBinaries, type KubeBinaries } from './binaries.js';
export {
  ALL_COMPONENTS,
  startControlPlane,
  type Component,
  type ControlPlane,
  type PlaneInfo,
  type PrometheusHandle,
} from './control-plane.js';
export { freePort } from './ports.js';
export { startPostgres, type Postgres } from './postgres.js';
export { promQuery, startPrometheus, type Prometheus, type ScrapeTarget } from './prometheus.js';
export { sharedControlPlane, PLANE_ENV } from './shared.js';
export { waitFor } from './wait.js';
export { processCpuSeconds, startProcess, type ManagedProcess } from './process.js';
