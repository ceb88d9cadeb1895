/**
 * Cluster DNS stand-in: files mapping Service names to their local addresses, one pair per
 * namespace (short names resolve within the pod's own namespace, as with DNS search paths):
 *   hosts/<ns>.json  {"svc.ns.svc": "127.110.0.5", "svc.ns.svc.cluster.local": ..., "svc.ns": ..., "svc": ...}
 *   hosts/<ns>.txt   the same as `name=address` lines (the router's UPSTREAM_HOST_OVERRIDES_FILE format)
 * The proxy of a Service listens on the Service's own ports, so a name maps to an address only.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A Service and the loopback address its proxy listens on. */
export interface ServiceAddress {
  namespace: string;
  name: string;
  ip: string;
}

/** Host name → address as seen from a pod in `podNamespace`. Pure. */
export function hostsEntries(services: ServiceAddress[], podNamespace: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const sorted = [...services].sort((a, b) =>
    `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
  );
  for (const { namespace, name, ip } of sorted) {
    for (const host of [
      `${name}.${namespace}`,
      `${name}.${namespace}.svc`,
      `${name}.${namespace}.svc.cluster.local`,
    ]) {
      entries[host] = ip;
    }
    if (namespace === podNamespace) entries[name] = ip;
  }
  return entries;
}

/** `name=address` lines. Pure. */
export function renderLines(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([host, ip]) => `${host}=${ip}\n`)
    .join('');
}

/** The override files of every namespace that has asked for them, rewritten when Services change. */
export class HostsFiles {
  private services: ServiceAddress[] = [];
  private readonly namespaces = new Set<string>();

  constructor(private readonly dir: string) {}

  /** Paths of the files of `namespace`, written first if they do not exist yet. */
  pathsFor(namespace: string): { json: string; lines: string } {
    if (!this.namespaces.has(namespace)) {
      this.namespaces.add(namespace);
      this.write(namespace);
    }
    return this.paths(namespace);
  }

  /** Replaces the set of Services and rewrites every file. */
  update(services: ServiceAddress[]): void {
    this.services = services;
    for (const namespace of this.namespaces) this.write(namespace);
  }

  private paths(namespace: string): { json: string; lines: string } {
    return { json: path.join(this.dir, `${namespace}.json`), lines: path.join(this.dir, `${namespace}.txt`) };
  }

  private write(namespace: string): void {
    const entries = hostsEntries(this.services, namespace);
    const { json, lines } = this.paths(namespace);
    writeAtomically(json, `${JSON.stringify(entries, null, 2)}\n`);
    writeAtomically(lines, renderLines(entries));
  }
}

/** Written beside and renamed, so a reader never sees half a file. */
function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}
