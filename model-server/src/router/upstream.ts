/**
 * Calls to model-servers behind the router. One interface, two implementations: live calls go
 * through undici pools (`upstream-undici.ts`), mirrored copies through pipelined sockets
 * (`upstream-pipelined.ts`), so live calls never queue behind mirrored ones.
 */

/** One HTTP call to an upstream. */
export interface UpstreamRequest {
  /** Base URL from the routes config (host overrides are applied by the client). */
  baseUrl: string;
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
  /** Deadline for the whole call, answer body included. */
  timeoutMs: number;
}

/** A complete upstream answer (any status code). */
export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Why an upstream call produced no answer. */
export type UpstreamFailure = 'timeout' | 'connect';

/** An upstream call that produced no answer. */
export class UpstreamError extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** Sends requests to upstreams over pooled keep-alive connections. */
export interface UpstreamClient {
  /** Sends one request; rejects with an UpstreamError when no answer arrives in time. */
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  /** Closes every pool once its in-flight calls finish. */
  close(): Promise<void>;
}

/** Settings of the undici client (live calls). */
export interface UpstreamClientOptions {
  /** Maps a configured base URL to the origin actually dialled (host overrides). */
  resolveOrigin?: (baseUrl: string) => string;
  /** Maximum connections per upstream. */
  liveConnections?: number;
  /** Pools unused for this long are closed (upstreams that left the config). */
  idlePoolCloseMs?: number;
  /** Largest upstream answer accepted, in bytes. */
  maxResponseBytes?: number;
}
