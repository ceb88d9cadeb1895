/**
 * The ModelDeployment reconciler: linear, idempotent steps over a per-pass context, ending in
 * one status write. read → finalize or ensure finalizer → observe children → maybe analyse →
 * decide (pure) → apply children → set traffic → remove unwanted children → write status → events.
 * Writes happen only where the cluster differs from the decision: a child whose live object holds
 * its manifest is not applied (child-writer.ts), nor is an unchanged status written, so an idle
 * pass only reads.
 */
import type { Analyzer } from '../analysis/types.js';
import { CONDITION_TYPES, REASONS, setCondition } from '../api/conditions.js';
import { analysisSettings, InvalidSpecError, resolveSpec, type ResolvedSpec } from '../api/defaults.js';
import { pendingControls } from '../api/controls.js';
import type { ModelDeployment } from '../api/types.js';
import type { ObjectCache, Reconciler, ReconcileResult } from '../controller/types.js';
import { decide, planAnalysis, type AnalysisPlan, type RolloutInput } from '../rollout/index.js';
import type { TrafficRouterFactory } from '../traffic/factory.js';
import { applyChildren, type AppliedChild } from './child-writer.js';
import { desiredChildren, trafficState, unwantedChildren } from './children/index.js';
import { contextOf, readDeployments, type ReconcileContext } from './context.js';
import type { EventRecorder } from './events.js';
import { ensureFinalizer, finalize } from './finalizer.js';
import type { KubeAccess, ObjectRef } from './kube.js';
import { writeStatus } from './status-writer.js';

/** Structured log of a pass (pino-compatible subset). */
export interface ReconcileLog {
  debug?(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Collaborators of the reconciler; each is one kind of side effect. */
export interface ReconcilerDeps {
  kube: KubeAccess;
  analyzer: Analyzer;
  /** The TrafficRouter of a `spec.traffic.provider` name. */
  routers: TrafficRouterFactory;
  events: EventRecorder;
  clock: { now(): number };
  log?: ReconcileLog;
}

/** `namespace/name` → its parts; throws on a malformed key. */
export function parseKey(key: string): { namespace: string; name: string } {
  const [namespace, name, ...rest] = key.split('/');
  if (!namespace || !name || rest.length) throw new Error(`reconcile key "${key}": expected namespace/name`);
  return { namespace, name };
}

export class ModelDeploymentReconciler implements Reconciler {
  /** The manager's informer caches of the children, once given. */
  private cache: ObjectCache | undefined;

  constructor(private readonly deps: ReconcilerDeps) {}

  useCache(cache: ObjectCache): void {
    this.cache = cache;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { kube, routers } = this.deps;
    const { namespace, name } = parseKey(key);
    // One round trip for the object and its Deployments (their names follow from the key).
    const [read, deployments] = await Promise.all([
      kube.getModelDeployment(namespace, name),
      readDeployments(kube, namespace, name, this.cache),
    ]);
    if (!read) return {};
    if (read.metadata.deletionTimestamp) {
      await finalize(kube, routers, read);
      return {};
    }
    const md = await ensureFinalizer(kube, read);
    let spec: ResolvedSpec;
    try {
      spec = resolveSpec(md.spec);
    } catch (err) {
      if (err instanceof InvalidSpecError) return this.reportInvalidSpec(md, err);
      throw err;
    }
    return this.progress(contextOf(md, spec, this.deps.clock.now(), deployments));
  }

  private async progress(ctx: ReconcileContext): Promise<ReconcileResult> {
    const { kube, routers, events, log } = this.deps;
    const input: Omit<RolloutInput, 'analysis'> = {
      spec: ctx.spec,
      status: ctx.md.status ?? {},
      generation: ctx.md.metadata.generation ?? 0,
      now: ctx.now,
      master: ctx.master,
      candidate: ctx.candidate,
      controls: pendingControls(ctx.md),
    };
    const plan = planAnalysis(input);
    const analysis = plan ? await this.analyse(ctx, plan) : null;
    const decision = decide({ ...input, analysis });

    const applied = await applyChildren(kube, desiredChildren(ctx, decision), (ref) =>
      this.observed(ctx, ref),
    );
    this.logApplied(ctx.md, applied);
    // Traffic moves before anything is removed, so no request is routed to a deleted candidate.
    await routers(ctx.spec.traffic.provider).apply(trafficState(ctx, decision));
    for (const ref of unwantedChildren(ctx, decision)) await kube.delete(ref);

    const written = await writeStatus(kube, ctx.md, decision.status);
    if (!written) return {};
    const phase = decision.status.phase;
    for (const event of decision.events) {
      await events.record(written, event);
      log?.info({ modelDeployment: keyOf(ctx.md), phase, reason: event.reason }, event.message);
    }
    return decision.requeueAfterMs === undefined ? {} : { requeueAfterMs: decision.requeueAfterMs };
  }

  /** A child as this pass read it (the Deployments) or as the informer cache holds it. */
  private observed(ctx: ReconcileContext, ref: ObjectRef) {
    const read = ref.kind === 'Deployment' ? ctx.deployments.get(ref.name) : undefined;
    return read !== undefined ? read : this.cache?.get(ref);
  }

  private logApplied(md: ModelDeployment, applied: AppliedChild[]): void {
    const { log } = this.deps;
    for (const { ref, reason, field } of applied) {
      const fields = { modelDeployment: keyOf(md), child: `${ref.kind}/${ref.name}`, reason, field };
      if (reason === 'drift') log?.info(fields, 'Restored a child changed by someone else');
      else log?.debug?.(fields, 'Applied child');
    }
  }

  private analyse(ctx: ReconcileContext, plan: AnalysisPlan) {
    return this.deps.analyzer.analyze({
      namespace: ctx.scope.namespace,
      name: ctx.scope.name,
      masterVersion: plan.masterVersion,
      candidateVersion: plan.candidateVersion,
      mode: plan.mode,
      settings: analysisSettings(ctx.spec),
    });
  }

  /** Leaves children and traffic alone, and says in status (and once as an Event) what is wrong. */
  private async reportInvalidSpec(md: ModelDeployment, err: InvalidSpecError): Promise<ReconcileResult> {
    const { kube, events, clock, log } = this.deps;
    const now = new Date(clock.now()).toISOString();
    const status = structuredClone(md.status ?? {});
    const generation = md.metadata.generation ?? 0;
    const isNew = status.message !== `Invalid spec: ${err.message}`;
    status.message = `Invalid spec: ${err.message}`;
    status.observedGeneration = generation;
    status.conditions = setCondition(
      status.conditions,
      {
        type: CONDITION_TYPES.Progressing,
        status: 'False',
        reason: REASONS.InvalidSpec,
        message: err.message,
        observedGeneration: generation,
      },
      now,
    );
    const written = await writeStatus(kube, md, status);
    if (written && isNew)
      await events.record(written, { type: 'Warning', reason: 'InvalidSpec', message: err.message });
    log?.warn({ modelDeployment: keyOf(md), err: err.message }, 'Invalid ModelDeployment spec');
    return {};
  }
}

function keyOf(md: ModelDeployment): string {
  return `${md.metadata.namespace}/${md.metadata.name}`;
}
