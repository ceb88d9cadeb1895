import fs from 'node:fs';
import path from 'node:path';
import { httpGet, waitHealthy } from './http-probe.js';
import { freePort, pickPort } from './ports.js';
import { startProcess, tail, type ManagedProcess } from './process.js';

/** One scrape target for file-based service discovery. */
export interface ScrapeTarget {
  /** host:port serving /metrics. */
  address: string;
  labels?: Record<string, string>;
}

/** A private Prometheus scraping every second whatever is written to its file_sd directory. */
export interface Prometheus {
  url: string;
  /** Directory of file_sd JSON files (one per job). */
  sdDir: string;
  /** Directory of rule files loaded at start and on reload(). */
  rulesDir: string;
  /** Writes file_sd targets for `job` (scrape interval 1s); pass [] to remove them. */
  setTargets(job: string, targets: ScrapeTarget[]): Promise<void>;
  /** Re-reads configuration and rule files. */
  reload(): Promise<void>;
  stop(): Promise<void>;
  /** Starts it again on the same port and storage (after stop()). */
  start(): Promise<void>;
}

const CONFIG = `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - rules/*.yml
scrape_configs:
  - job_name: file-sd
    file_sd_configs:
      - files: ['sd/*.json']
        refresh_interval: 1s
`;

export async function startPrometheus(dir: string, opts: { port?: number } = {}): Promise<Prometheus> {
  const base = path.join(dir, 'prometheus');
  const sdDir = path.join(base, 'sd');
  const rulesDir = path.join(base, 'rules');
  fs.mkdirSync(sdDir, { recursive: true });
  fs.mkdirSync(rulesDir, { recursive: true });
  fs.writeFileSync(path.join(base, 'prometheus.yml'), CONFIG);
  let port = await pickPort(opts.port);
  let proc: ManagedProcess | undefined;
  const url = () => `http://127.0.0.1:${port}`;

  async function launch(): Promise<void> {
    proc = startProcess({
      name: 'prometheus',
      dir,
      cwd: base,
      command: 'prometheus',
      args: [
        `--config.file=${path.join(base, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(base, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
        '--storage.tsdb.retention.time=1d',
        '--log.level=warn',
      ],
    });
    await waitHealthy('prometheus', `${url()}/-/ready`, proc.exited, {
      logFile: proc.logFile,
      timeoutMs: 30_000,
    });
  }

  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      await proc?.stop('SIGKILL');
      if (attempt >= 2) throw new Error(`${(error as Error).message}\n${tail(proc?.logFile ?? '')}`);
      port = await freePort();
    }
  }

  return {
    get url() {
      return url();
    },
    sdDir,
    rulesDir,
    async setTargets(job, targets) {
      writeTargets(sdDir, job, targets);
    },
    async reload() {
      await reloadPrometheus(url());
    },
    async stop() {
      await proc?.stop('SIGTERM', 10_000);
    },
    async start() {
      await launch();
    },
  };
}

/** Instant query through the HTTP API; returns the result vector. */
export async function promQuery(
  prometheusUrl: string,
  query: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await httpGet(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = JSON.parse(res.body) as { status: string; data?: { result: [] }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${query} failed: ${body.error}`);
  return body.data!.result;
}

/** Writes the file_sd file of `job`; written beside and renamed so Prometheus never reads half a file. */
export function writeTargets(sdDir: string, job: string, targets: ScrapeTarget[]): void {
  const groups = targets.map((t) => ({ targets: [t.address], labels: { job, ...t.labels } }));
  const tmp = path.join(sdDir, `.${job}.json.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(groups));
  fs.renameSync(tmp, path.join(sdDir, `${job}.json`));
}

export async function reloadPrometheus(prometheusUrl: string): Promise<void> {
  const res = await fetch(`${prometheusUrl}/-/reload`, { method: 'POST' });
  if (!res.ok) throw new Error(`prometheus reload failed: HTTP ${res.status} ${await res.text()}`);
}
