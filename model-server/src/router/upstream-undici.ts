/** UpstreamClient over undici keep-alive Pools, one per dialled origin: the router's live calls. */
import { Pool, type Dispatcher } from 'undici';
import {
  UpstreamError,
  type UpstreamClient,
  type UpstreamClientOptions,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream.js';

interface PoolEntry {
  pool: Pool;
  lastUsed: number;
}

const CONNECT_TIMEOUT_MS = 2_000;

/** Socket errors of a connection closed by the other side before it sent anything back. */
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** The connection closed before any byte of the answer arrived. */
class ClosedBeforeAnswer extends UpstreamError {
  constructor(message: string) {
    super('connect', message);
  }
}

/** Pooled HTTP/1.1 client for live calls to model-server upstreams. */
export class UndiciUpstreamClient implements UpstreamClient {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly resolveOrigin: (baseUrl: string) => string;
  private readonly liveConnections: number;
  private readonly idlePoolCloseMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: UpstreamClientOptions = {}) {
    this.resolveOrigin = options.resolveOrigin ?? ((u) => u);
    this.liveConnections = options.liveConnections ?? 256;
    this.idlePoolCloseMs = options.idlePoolCloseMs ?? 60_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
    this.sweeper = setInterval(() => this.closeIdlePools(), Math.min(this.idlePoolCloseMs, 30_000));
    this.sweeper.unref();
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const deadline = Date.now() + request.timeoutMs;
    try {
      return await this.sendOnce(request);
    } catch (error) {
      // A kept-alive connection the upstream closed just as it was reused (a pod shutting down)
      // fails before any answer: the call is tried once more on another connection. The upstream
      // has almost always not read such a request; at worst a prediction is stored twice under
      // the same request id, which beats failing the client.
      const remaining = deadline - Date.now();
      if (!(error instanceof ClosedBeforeAnswer) || remaining <= 0) throw error;
      return this.sendOnce({ ...request, timeoutMs: remaining });
    }
  }

  private sendOnce(request: UpstreamRequest): Promise<UpstreamResponse> {
    const origin = this.resolveOrigin(request.baseUrl);
    const pool = this.poolFor(origin);
    const where = `${origin}${request.path}`;
    // dispatch() with a handler instead of request(): no body stream and no AbortController per
    // call; the answer is small and collected whole anyway.
    return new Promise<UpstreamResponse>((resolve, reject) => {
      let controller: Dispatcher.DispatchController | undefined;
      let settled = false;
      let status = 0;
      let headers: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      const settle = (error: UpstreamError | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) return reject(error);
        resolve({ status, headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) });
      };
      const timer = setTimeout(() => {
        const error = new UpstreamError('timeout', `${where}: no answer within ${request.timeoutMs} ms`);
        settle(error);
        controller?.abort(error); // a call still queued in the pool is aborted when it starts
      }, request.timeoutMs);
      pool.dispatch(
        { path: request.path, method: request.method, headers: request.headers, body: request.body },
        {
          onRequestStart: (c) => {
            controller = c;
            if (settled) c.abort(new UpstreamError('timeout', `${where}: deadline passed while queued`));
          },
          onResponseStart: (_c, statusCode, responseHeaders) => {
            status = statusCode;
            headers = responseHeaders;
          },
          onResponseData: (_c, chunk) => {
            chunks.push(chunk);
          },
          onResponseEnd: () => settle(null),
          onResponseError: (_c, err) => {
            const code = (err as { code?: string }).code;
            const message = `${where}: ${code ?? err.message}`;
            const closed = status === 0 && code !== undefined && CLOSED_CODES.has(code);
            settle(closed ? new ClosedBeforeAnswer(message) : new UpstreamError('connect', message));
          },
        },
      );
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const pools = [...this.pools.values()].map((e) => e.pool);
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
  }

  private poolFor(origin: string): Pool {
    let entry = this.pools.get(origin);
    if (!entry) {
      entry = {
        pool: new Pool(origin, {
          connections: this.liveConnections,
          pipelining: 1,
          keepAliveTimeout: 10_000,
          connectTimeout: CONNECT_TIMEOUT_MS,
          maxResponseSize: this.maxResponseBytes,
        }),
        lastUsed: 0,
      };
      this.pools.set(origin, entry);
    }
    entry.lastUsed = Date.now();
    return entry.pool;
  }

  private closeIdlePools(): void {
    const cutoff = Date.now() - this.idlePoolCloseMs;
    for (const [key, entry] of this.pools) {
      if (entry.lastUsed < cutoff) {
        this.pools.delete(key);
        void entry.pool.close().catch(() => undefined);
      }
    }
  }
}

/** Creates the pooled upstream client. */
export function createUpstreamClient(options: UpstreamClientOptions = {}): UpstreamClient {
  return new UndiciUpstreamClient(options);
}
