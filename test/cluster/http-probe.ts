import http from 'node:http';
import https from 'node:https';

/** GETs a URL and resolves with status and body; never throws on HTTP errors, only on I/O errors. */
export function httpGet(
  url: string,
  opts: { ca?: Buffer; insecure?: boolean; timeoutMs?: number } = {},
): Promise<{ status: number; body: string }> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      { ca: opts.ca, rejectUnauthorized: !opts.insecure, timeout: opts.timeoutMs ?? 2000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** Resolves when GET `url` answers 200; rejects early if `exited` settles first. */
export async function waitHealthy(
  what: string,
  url: string,
  exited: Promise<unknown>,
  opts: { ca?: Buffer; insecure?: boolean; timeoutMs?: number; logFile?: string } = {},
): Promise<void> {
  let died = false;
  void exited.then(() => (died = true));
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last = '';
  while (Date.now() < deadline) {
    if (died)
      throw new Error(`${what} exited during start-up${opts.logFile ? ` (log: ${opts.logFile})` : ''}`);
    try {
      const res = await httpGet(url, opts);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not healthy at ${url} in time (last: ${last})`);
}
