/**
 * The routing table a router applies: the format of the `<name>-routes` ConfigMap the operator
 * writes (data key `routes.json`), also accepted from a file or an environment variable.
 * Pure: parse, validate and serialize only.
 */

/** Data key of the routes ConfigMap that holds the JSON document. */
export const ROUTES_CONFIG_KEY = 'routes.json';

/** Default relative difference above which a mirrored record counts as mismatched. */
export const DEFAULT_SHADOW_TOLERANCE = 0.05;

/** Name of the routes ConfigMap of a ModelDeployment. */
export function routesConfigMapName(modelDeploymentName: string): string {
  return `${modelDeploymentName}-routes`;
}

/** One model-server the router can send requests to. */
export interface Upstream {
  /** Base URL (scheme, host, port), e.g. `http://house-price-master.ml.svc:8080`. */
  url: string;
  /** Model version the upstream serves (used in response headers and metric labels). */
  version: string;
}

/** What the router does with each request. */
export interface RoutesConfig {
  master: Upstream;
  /** The version under test, or null outside a rollout. */
  candidate: Upstream | null;
  /** Percent (integer 0..100) of requests answered by the candidate. */
  canaryWeight: number;
  /** Percent (integer 0..100) of master-answered requests also copied to the candidate. */
  mirrorPercent: number;
  /** Relative difference above which a mirrored record counts as mismatched. */
  shadowTolerance: number;
}

/** A problem with one field of a routes document. */
export interface RoutesConfigIssue {
  /** Path of the field, e.g. `candidate.url`. */
  field: string;
  reason: string;
}

/** Result of parsing a routes document: the config, or every issue found. */
export type RoutesConfigResult =
  { ok: true; config: RoutesConfig } | { ok: false; issues: RoutesConfigIssue[] };

/** Thrown by `parseRoutesConfigOrThrow`; the message names every bad field. */
export class RoutesConfigError extends Error {
  constructor(readonly issues: RoutesConfigIssue[]) {
    super(`invalid routes config: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`);
    this.name = 'RoutesConfigError';
  }
}

/** Parses and validates a routes document given as JSON text. Unknown fields are ignored. */
export function parseRoutesConfig(text: string): RoutesConfigResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      issues: [{ field: ROUTES_CONFIG_KEY, reason: `not valid JSON (${(err as Error).message})` }],
    };
  }
  return validateRoutesConfig(doc);
}

/** Like `parseRoutesConfig` but throws a `RoutesConfigError`. */
export function parseRoutesConfigOrThrow(text: string): RoutesConfig {
  const result = parseRoutesConfig(text);
  if (!result.ok) throw new RoutesConfigError(result.issues);
  return result.config;
}

/**
 * Validates an already-parsed routes document. Unknown fields are ignored so that a router
 * older than the operator keeps working when the operator adds fields.
 */
export function validateRoutesConfig(doc: unknown): RoutesConfigResult {
  const issues: RoutesConfigIssue[] = [];
  if (!isObject(doc)) {
    return {
      ok: false,
      issues: [{ field: '(document)', reason: `must be a JSON object, got ${describe(doc)}` }],
    };
  }
  const master = validateUpstream(doc.master, 'master', issues);
  let candidate: Upstream | null = null;
  if (doc.candidate !== undefined && doc.candidate !== null) {
    candidate = validateUpstream(doc.candidate, 'candidate', issues);
  }
  const canaryWeight = validatePercent(doc.canaryWeight, 'canaryWeight', issues);
  const mirrorPercent = validatePercent(doc.mirrorPercent, 'mirrorPercent', issues);
  let shadowTolerance = DEFAULT_SHADOW_TOLERANCE;
  if (doc.shadowTolerance !== undefined) {
    const t = doc.shadowTolerance;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
      issues.push({ field: 'shadowTolerance', reason: `must be a finite number >= 0, got ${describe(t)}` });
    } else {
      shadowTolerance = t;
    }
  }
  if (doc.candidate === undefined || doc.candidate === null) {
    if (canaryWeight > 0)
      issues.push({ field: 'candidate', reason: 'required when canaryWeight is above 0' });
    if (mirrorPercent > 0)
      issues.push({ field: 'candidate', reason: 'required when mirrorPercent is above 0' });
  }
  if (issues.length > 0 || !master) return { ok: false, issues };
  return { ok: true, config: { master, candidate, canaryWeight, mirrorPercent, shadowTolerance } };
}

/**
 * Serializes a config as the operator writes it: fixed key order and 2-space indentation, so
 * that equal configs give byte-equal documents (an unchanged ConfigMap is not rewritten).
 */
export function serializeRoutesConfig(config: RoutesConfig): string {
  const upstream = (u: Upstream) => ({ url: u.url, version: u.version });
  const doc = {
    master: upstream(config.master),
    candidate: config.candidate ? upstream(config.candidate) : null,
    canaryWeight: config.canaryWeight,
    mirrorPercent: config.mirrorPercent,
    shadowTolerance: config.shadowTolerance,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** The `data` of a routes ConfigMap holding `config`. */
export function routesConfigMapData(config: RoutesConfig): Record<string, string> {
  return { [ROUTES_CONFIG_KEY]: serializeRoutesConfig(config) };
}

/** Reads a config from a routes ConfigMap's `data` (missing key → an issue naming it). */
export function parseRoutesConfigMapData(data: Record<string, string> | undefined): RoutesConfigResult {
  const text = data?.[ROUTES_CONFIG_KEY];
  if (typeof text !== 'string') {
    return { ok: false, issues: [{ field: `data.${ROUTES_CONFIG_KEY}`, reason: 'missing' }] };
  }
  return parseRoutesConfig(text);
}

/** Two configs route identically (same upstreams, versions, weights and tolerance). */
export function sameRoutesConfig(a: RoutesConfig, b: RoutesConfig): boolean {
  return serializeRoutesConfig(a) === serializeRoutesConfig(b);
}

function validateUpstream(value: unknown, field: string, issues: RoutesConfigIssue[]): Upstream | null {
  if (!isObject(value)) {
    issues.push({ field, reason: `must be an object with url and version, got ${describe(value)}` });
    return null;
  }
  const before = issues.length;
  const url = value.url;
  if (typeof url !== 'string' || url === '') {
    issues.push({ field: `${field}.url`, reason: `must be a non-empty string, got ${describe(url)}` });
  } else {
    const reason = urlProblem(url);
    if (reason) issues.push({ field: `${field}.url`, reason });
  }
  const version = value.version;
  if (typeof version !== 'string' || version.trim() === '') {
    issues.push({
      field: `${field}.version`,
      reason: `must be a non-empty string, got ${describe(version)}`,
    });
  }
  if (issues.length > before) return null;
  return { url: (url as string).replace(/\/+$/, ''), version: version as string };
}

function urlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a valid URL: ${JSON.stringify(url)}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `scheme must be http or https, got ${JSON.stringify(parsed.protocol.replace(/:$/, ''))}`;
  }
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '') {
    return `must be a base URL without path, query or fragment, got ${JSON.stringify(url)}`;
  }
  if (parsed.username !== '' || parsed.password !== '') return 'must not contain credentials';
  return null;
}

function validatePercent(value: unknown, field: string, issues: RoutesConfigIssue[]): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    issues.push({ field, reason: `must be an integer between 0 and 100, got ${describe(value)}` });
    return 0;
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
