/**
 * kube-proxy stand-in: every Service gets a stable loopback address, with a TCP proxy on each of
 * its ports forwarding to the ready pods behind it; the Service host files follow.
 */
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import type { AddressPool } from './addresses.js';
import type { HostsFiles, ServiceAddress } from './hosts-files.js';
import { serviceBackends } from './service-backends.js';
import { TcpProxy, type Backend } from './tcp-proxy.js';

/** The Services and pods the proxies should reflect. */
export interface ProxySource {
  services(): readonly V1Service[];
  pods(): readonly V1Pod[];
}

export class ServiceProxies {
  private readonly proxies = new Map<string, TcpProxy>();
  private ports = new Map<string, { port: number; name?: string }[]>();
  private syncing?: Promise<void>;
  private again = false;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly source: ProxySource,
    private readonly pool: AddressPool,
    private readonly hostsFiles: HostsFiles,
    private readonly log: (line: string) => void,
  ) {}

  /** Brings proxies, backends and host files up to date (coalesced; one sync at a time). */
  request(): void {
    if (this.stopped) return;
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = (async () => {
      do {
        this.again = false;
        await this.sync();
      } while (this.again && !this.stopped);
    })().finally(() => (this.syncing = undefined));
  }

  /** `ip:port` of a Service port (by number or name); throws when the runner has no such Service port. */
  address(namespace: string, name: string, port: number | string): string {
    const key = `${namespace}/${name}`;
    const ip = this.pool.get(key);
    const match = this.ports
      .get(key)
      ?.find((p) => p.port === port || (p.name !== undefined && p.name === port));
    if (!ip || !match) {
      const known = this.ports.get(key)?.map((p) => p.name ?? p.port);
      throw new Error(
        known
          ? `Service ${key} has no port ${port} (ports: ${known.join(', ')})`
          : `Service ${key} is not known to the pod runner (not created yet, or outside its namespaces)`,
      );
    }
    return `${ip}:${match.port}`;
  }

  /** Closes every proxy. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.syncing;
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
    this.proxies.clear();
  }

  private async sync(): Promise<void> {
    const services = this.source.services().filter((s) => s.spec?.type !== 'ExternalName');
    const pods = this.source.pods();
    const wanted = new Map<string, { ip: string; port: number; backends: Backend[] }>();
    const addresses: ServiceAddress[] = [];
    const ports = new Map<string, { port: number; name?: string }[]>();
    for (const service of services) {
      const namespace = service.metadata!.namespace!;
      const name = service.metadata!.name!;
      const ip = this.pool.allocate(`${namespace}/${name}`);
      addresses.push({ namespace, name, ip });
      const tcpPorts = (service.spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
      ports.set(
        `${namespace}/${name}`,
        tcpPorts.map((p) => ({ port: p.port, name: p.name })),
      );
      for (const port of tcpPorts) {
        wanted.set(`${ip}:${port.port}`, {
          ip,
          port: port.port,
          backends: serviceBackends(service, port, pods),
        });
      }
    }
    this.ports = ports;
    for (const key of this.pool.keys()) if (!ports.has(key)) this.pool.release(key);
    for (const [key, proxy] of this.proxies) {
      if (wanted.has(key)) continue;
      this.proxies.delete(key);
      await proxy.close();
    }
    let failed = false;
    for (const [key, want] of wanted) {
      let proxy = this.proxies.get(key);
      if (!proxy) {
        proxy = new TcpProxy(want.ip, want.port);
        try {
          await proxy.listen();
          this.proxies.set(key, proxy);
        } catch (error) {
          this.log(`service proxy ${key}: ${(error as Error).message}; retrying`);
          failed = true;
          continue;
        }
      }
      proxy.setBackends(want.backends);
    }
    this.hostsFiles.update(addresses);
    if (failed && !this.stopped) this.retry = setTimeout(() => this.request(), 1_000);
  }
}
