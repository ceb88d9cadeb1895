/** Plain-text rendering of ModelDeployments for the terminal (pure). */
import type { ModelDeployment } from '../api/types.js';

/** Left-aligned columns separated by three spaces, like kubectl's tables. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `3m12s`-style age of an RFC 3339 time relative to `now`. */
export function age(time: string | undefined, now: Date): string {
  if (!time) return '-';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(time)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 172800) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d`;
}

const num = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : String(Number(v.toPrecision(4)));

/** One line per ModelDeployment. */
export function listView(items: ModelDeployment[], now: Date): string {
  return table(
    ['NAME', 'PHASE', 'MASTER', 'CANDIDATE', 'WEIGHT', 'MIRROR', 'AGE'],
    items.map((md) => [
      md.metadata.name,
      md.status?.phase ?? '-',
      md.status?.master?.version ?? '-',
      md.status?.candidate?.version ?? '-',
      `${md.status?.canaryWeight ?? 0}%`,
      `${md.status?.mirrorPercent ?? 0}%`,
      age(md.metadata.creationTimestamp, now),
    ]),
  );
}

/** Everything a human needs to see why a rollout is where it is. */
export function statusView(md: ModelDeployment, now: Date): string {
  const s = md.status ?? {};
  const steps = md.spec.strategy?.canary?.steps ?? [];
  const variant = (v: typeof s.master) => (v ? `${v.version} (${v.readyReplicas}/${v.replicas} ready)` : '-');
  const lines = [
    `Name:        ${md.metadata.namespace}/${md.metadata.name}`,
    `Phase:       ${s.phase ?? '-'}${md.spec.paused ? ' (paused)' : ''}${s.phaseStartedAt ? ` for ${age(s.phaseStartedAt, now)}` : ''}`,
    `Message:     ${s.message ?? '-'}`,
    `Master:      ${variant(s.master)}`,
    `Candidate:   ${variant(s.candidate)}`,
    `Traffic:     weight ${s.canaryWeight ?? 0}%, mirror ${s.mirrorPercent ?? 0}%` +
      (steps.length && s.phase === 'Canary'
        ? `, step ${(s.currentStep ?? 0) + 1}/${steps.length} [${steps.join(', ')}]`
        : ''),
    `Checks:      ${s.failedChecks ?? 0}/${md.spec.analysis.failureLimit ?? '-'} failed, ` +
      `${s.inconclusiveChecks ?? 0}/${md.spec.analysis.inconclusiveLimit ?? '-'} inconclusive`,
  ];
  if (s.awaitingPromotion) lines.push('Waiting:     for `kubectl modelrollout promote` (Manual promotion)');
  if (s.rollbackReason) lines.push(`Rollback:    ${s.rollbackReason}`);
  if (s.lastAnalysis) {
    lines.push('', `Last analysis (${age(s.lastAnalysis.time, now)} ago): ${s.lastAnalysis.verdict}`);
    lines.push(
      table(
        ['CHECK', 'CANDIDATE', 'MASTER', 'THRESHOLD', 'SAMPLES', 'VERDICT', 'REASON'],
        s.lastAnalysis.checks.map((c) => [
          c.name,
          num(c.candidate),
          num(c.master),
          c.threshold,
          String(c.samples),
          c.verdict,
          c.reason ?? '',
        ]),
      ),
    );
  }
  if (s.conditions?.length) {
    lines.push(
      '',
      table(
        ['CONDITION', 'STATUS', 'REASON', 'MESSAGE'],
        s.conditions.map((c) => [c.type, c.status, c.reason, c.message]),
      ),
    );
  }
  return lines.join('\n');
}

/** The last rollouts, newest first. */
export function historyView(md: ModelDeployment, now: Date): string {
  const history = md.status?.history ?? [];
  if (!history.length) return `${md.metadata.name} has no finished rollouts yet`;
  return table(
    ['VERSION', 'OUTCOME', 'STARTED', 'DURATION', 'REASON'],
    history.map((h) => [
      h.version,
      h.outcome,
      `${age(h.startedAt, now)} ago`,
      age(h.startedAt, new Date(h.finishedAt)),
      h.reason ?? '',
    ]),
  );
}
