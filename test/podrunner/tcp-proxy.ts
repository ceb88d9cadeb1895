/**
 * kube-proxy stand-in for one Service port: a TCP listener that hands each connection to the
 * next ready backend (round-robin), trying the others when a backend refuses.
 */
import net from 'node:net';

/** One endpoint: a pod address and its target port. */
export interface Backend {
  host: string;
  port: number;
}

export class TcpProxy {
  private backends: Backend[] = [];
  private next = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  /** Starts listening on host:port. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Replaces the backends; open connections stay where they are. */
  setBackends(backends: Backend[]): void {
    this.backends = backends;
  }

  /** Stops listening and cuts every open connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.pause();
    let upstream: net.Socket | undefined;
    client.on('error', () => upstream?.destroy());
    client.on('close', () => upstream?.destroy());
    const candidates = this.backends.length;
    const attempt = (tried: number) => {
      if (tried >= candidates || this.backends.length === 0 || client.destroyed) {
        client.destroy(); // no ready endpoint: the caller sees the connection reset, as with kube-proxy's REJECT
        return;
      }
      const backend = this.backends[this.next++ % this.backends.length];
      const socket = net.connect(backend.port, backend.host);
      upstream = socket;
      this.track(socket);
      let connected = false;
      socket.once('connect', () => {
        connected = true;
        client.pipe(socket);
        socket.pipe(client);
      });
      socket.on('error', () => (connected ? client.destroy() : attempt(tried + 1)));
    };
    attempt(0);
  }
}
