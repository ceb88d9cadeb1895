/**
 * UpstreamClient for mirrored copies: a few keep-alive sockets per origin with HTTP/1.1
 * pipelining, whose writes are gathered per event-loop turn. A copy then costs the router a
 * share of one write and one read instead of an exchange of its own; that matters because on
 * small VMs the syscalls are most of a proxied request's cost.
 *
 * Answers on a connection arrive in request order, so a call that times out stalls the calls
 * behind it: the connection is dropped and they fail as timeouts too. Suitable for traffic whose
 * failures are only counted (shadow copies), not for live calls.
 */
import { connect, type Socket } from 'node:net';
import { ResponseParser, type ParsedResponse } from './http1-response-parser.js';
import {
  UpstreamError,
  type UpstreamClient,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream.js';

/** Settings of the pipelined client. */
export interface PipelinedClientOptions {
  /** Maps a configured base URL to the origin actually dialled (host overrides). */
  resolveOrigin?: (baseUrl: string) => string;
  /** Sockets per origin (a multi-replica upstream behind a Service is balanced per socket). */
  connections?: number;
  /** A socket with no call for this long is closed, before the server's keep-alive timeout. */
  idleCloseMs?: number;
  /** Largest upstream answer accepted, in bytes. */
  maxResponseBytes?: number;
}

/** Where an origin's sockets connect, and the host header its calls carry. */
interface Target {
  hostname: string;
  port: number;
  hostHeader: string;
}

interface PendingCall {
  where: string;
  deadline: number;
  resolve(response: UpstreamResponse): void;
  reject(error: UpstreamError): void;
}

/** How often deadlines are checked: timeouts fire up to this late. */
const DEADLINE_TICK_MS = 20;
/** Characters that would end a header line early (header injection). */
const LINE_BREAK = /[\r\n]/;

/** One keep-alive socket carrying pipelined calls, answered in order. */
class PipelinedConnection {
  readonly pending: PendingCall[] = [];
  private readonly socket: Socket;
  private readonly parser: ResponseParser;
  private corked = false;
  private lastUsed = Date.now();
  closed = false;

  constructor(
    target: Target,
    maxResponseBytes: number,
    private readonly onClosed: (connection: PipelinedConnection) => void,
  ) {
    this.parser = new ResponseParser(maxResponseBytes);
    this.socket = connect({ host: target.hostname, port: target.port, noDelay: true, keepAlive: true });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail('connect', err.code ?? err.message));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('close', () => this.fail('connect', 'connection closed before the answer'));
  }

  write(call: PendingCall, head: string, body: Buffer | undefined): void {
    this.pending.push(call);
    this.lastUsed = Date.now();
    if (!this.corked) {
      // Uncorked after this turn's I/O callbacks: copies of requests read in the same turn
      // leave in one write.
      this.corked = true;
      this.socket.cork();
      setImmediate(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(head, 'latin1');
    if (body && body.length > 0) this.socket.write(body);
  }

  /** Fails every call still waiting if the oldest has passed its deadline. */
  checkDeadline(now: number): void {
    const oldest = this.pending[0];
    if (!oldest || oldest.deadline > now) return;
    this.fail('timeout', 'no answer before the deadline (or queued behind a call that had none)');
  }

  isIdleSince(cutoff: number): boolean {
    return this.pending.length === 0 && this.lastUsed < cutoff;
  }

  close(): void {
    this.fail('connect', 'client closed');
  }

  private onData(chunk: Buffer): void {
    let responses: ParsedResponse[];
    try {
      responses = this.parser.push(chunk);
    } catch (err) {
      this.fail('connect', (err as Error).message);
      return;
    }
    for (const response of responses) {
      const call = this.pending.shift();
      if (!call) {
        this.fail('connect', 'answer to no request');
        return;
      }
      call.resolve(response);
    }
    if (this.parser.closeAfterLastResponse) this.fail('connect', 'server closed the connection');
  }

  /** The server closed its side: an answer framed by the close is complete now. */
  private onEnd(): void {
    const last = this.parser.end();
    if (last) this.pending.shift()?.resolve(last);
    this.fail('connect', 'connection closed before the answer');
  }

  private fail(failure: 'connect' | 'timeout', reason: string): void {
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.onClosed(this);
    }
    for (const call of this.pending.splice(0)) {
      call.reject(new UpstreamError(failure, `${call.where}: ${reason}`));
    }
  }
}

/** Pipelined HTTP/1.1 client over a few sockets per origin. */
export class PipelinedUpstreamClient implements UpstreamClient {
  private readonly origins = new Map<string, PipelinedConnection[]>();
  /** Parsed once per origin: copies are the hot path. */
  private readonly targets = new Map<string, Target>();
  private readonly resolveOrigin: (baseUrl: string) => string;
  private readonly connections: number;
  private readonly idleCloseMs: number;
  private readonly maxResponseBytes: number;
  private ticker: NodeJS.Timeout | undefined;

  constructor(options: PipelinedClientOptions = {}) {
    this.resolveOrigin = options.resolveOrigin ?? ((u) => u);
    this.connections = options.connections ?? 8;
    this.idleCloseMs = options.idleCloseMs ?? 2_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const origin = this.resolveOrigin(request.baseUrl);
    const where = `${origin}${request.path}`;
    const target = this.targetOf(origin);
    if (target instanceof Error)
      return Promise.reject(new UpstreamError('connect', `${where}: ${target.message}`));
    const head = requestHead(request, target.hostHeader);
    if (head instanceof Error)
      return Promise.reject(new UpstreamError('connect', `${where}: ${head.message}`));
    this.ticker ??= setInterval(() => this.tick(), DEADLINE_TICK_MS).unref();
    return new Promise<UpstreamResponse>((resolve, reject) => {
      const connection = this.connectionFor(origin, target);
      connection.write(
        { where, deadline: Date.now() + request.timeoutMs, resolve, reject },
        head,
        request.body,
      );
    });
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    this.ticker = undefined;
    for (const connections of this.origins.values()) for (const c of [...connections]) c.close();
    this.origins.clear();
  }

  private targetOf(origin: string): Target | Error {
    const known = this.targets.get(origin);
    if (known) return known;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return new Error('not a URL');
    }
    if (url.protocol !== 'http:') return new Error('only http:// upstreams are supported');
    const target = { hostname: url.hostname, port: Number(url.port) || 80, hostHeader: url.host };
    this.targets.set(origin, target);
    return target;
  }

  /** The origin's least busy socket, or a new one while some are missing and all are busy. */
  private connectionFor(origin: string, target: Target): PipelinedConnection {
    let connections = this.origins.get(origin);
    if (!connections) this.origins.set(origin, (connections = []));
    let best: PipelinedConnection | undefined;
    for (const c of connections) if (!best || c.pending.length < best.pending.length) best = c;
    if (best && (best.pending.length === 0 || connections.length >= this.connections)) return best;
    const created = new PipelinedConnection(target, this.maxResponseBytes, (closed) => {
      const list = this.origins.get(origin);
      const at = list?.indexOf(closed) ?? -1;
      if (at >= 0) list!.splice(at, 1);
      if (list?.length === 0) this.origins.delete(origin);
    });
    connections.push(created);
    return created;
  }

  private tick(): void {
    if (this.origins.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      return;
    }
    const now = Date.now();
    const idleCutoff = now - this.idleCloseMs;
    for (const connections of this.origins.values()) {
      for (const c of [...connections]) {
        c.checkDeadline(now);
        if (!c.closed && c.isIdleSince(idleCutoff)) c.close();
      }
    }
  }
}

/** The request line and headers of one call; an Error for a header that cannot be sent. */
function requestHead(request: UpstreamRequest, host: string): string | Error {
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  if (request.body) head += `content-length: ${request.body.length}\r\n`;
  for (const name in request.headers) {
    const value = request.headers[name];
    if (LINE_BREAK.test(name) || LINE_BREAK.test(value))
      return new Error(`header ${JSON.stringify(name)} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  return head + '\r\n';
}
