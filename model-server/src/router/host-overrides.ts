/**
 * Upstream host overrides for environments without cluster DNS: `from=to` pairs that replace the
 * host (and port) of an upstream URL at request time, e.g.
 * `house-price-master.ml.svc:8080=127.0.0.5:8080`. Pure.
 */

/** A parsed set of overrides, keyed by `host:port` or by `host` alone (any port). */
export type HostOverrides = ReadonlyMap<string, string>;

/** An empty override set. */
export const NO_HOST_OVERRIDES: HostOverrides = new Map();

/**
 * Parses overrides separated by commas or newlines; blank entries and `#` comments are skipped.
 * Throws an Error naming the bad entry.
 */
export function parseHostOverrides(text: string): HostOverrides {
  const overrides = new Map<string, string>();
  const entries = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const entry of entries) {
    const parts = entry.split('=');
    if (parts.length !== 2 || !isHostPort(parts[0].trim()) || !isHostPort(parts[1].trim())) {
      throw new Error(
        `upstream host override ${JSON.stringify(entry)}: expected from=to, each host or host:port`,
      );
    }
    overrides.set(parts[0].trim().toLowerCase(), parts[1].trim());
  }
  return overrides;
}

/**
 * Rewrites the origin of `baseUrl` (`scheme://host[:port]`) through the overrides: an entry for
 * `host:port` wins over one for `host`; a target without a port keeps the original port.
 */
export function applyHostOverrides(baseUrl: string, overrides: HostOverrides): string {
  if (overrides.size === 0) return baseUrl;
  const url = new URL(baseUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = url.hostname.toLowerCase();
  const target = overrides.get(`${host}:${port}`) ?? overrides.get(host);
  if (target === undefined) return baseUrl;
  const targetUrl = new URL(`${url.protocol}//${target}`);
  if (!hasPort(target)) targetUrl.port = url.port;
  return targetUrl.origin;
}

function isHostPort(value: string): boolean {
  return /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/.test(value);
}

function hasPort(value: string): boolean {
  return /:\d{1,5}$/.test(value);
}
