import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, pickPort } from './ports.js';
import { startProcess, tail, type ManagedProcess } from './process.js';
import { waitFor } from './wait.js';

/** A private PostgreSQL cluster: its own data directory and port; survives stop()/start(). */
export interface Postgres {
  url: string;
  port: number;
  /** Fast shutdown (SIGINT); `immediate` simulates a crash (SIGQUIT). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions)
    if (fs.existsSync(path.join(base, v, 'bin', 'initdb'))) return path.join(base, v, 'bin');
  throw new Error(
    'PostgreSQL server binaries not found under /usr/lib/postgresql (install Debian package postgresql)',
  );
}

// initdb and postgres refuse to run as root: as root, run them as the `postgres` user.
function asDbUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

export async function startPostgres(dir: string, opts: { port?: number } = {}): Promise<Postgres> {
  const bin = binDir();
  const pgDir = path.join(dir, 'postgres');
  const dataDir = path.join(pgDir, 'data');
  const sockDir = path.join(pgDir, 'sock');
  fs.mkdirSync(sockDir, { recursive: true });
  if (process.getuid?.() === 0) {
    for (let d = dir; d !== '/' && d !== path.dirname(d); d = path.dirname(d)) {
      if (!fs.existsSync(d)) continue;
      const mode = fs.statSync(d).mode;
      if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o111); // postgres must traverse to its dir
    }
    execFileSync('chown', ['-R', 'postgres:postgres', pgDir]);
  }
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const [cmd, args] = asDbUser(path.join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  let port = await pickPort(opts.port);
  let proc: ManagedProcess | undefined;
  const url = () => `postgres://postgres@127.0.0.1:${port}/postgres`;

  async function launch(): Promise<void> {
    const [cmd, args] = asDbUser(path.join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      sockDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=64MB',
    ]);
    proc = startProcess({ name: 'postgres', dir, command: cmd, args });
    let died = false;
    void proc.exited.then(() => (died = true));
    await waitFor(
      'PostgreSQL to accept connections',
      async () => {
        if (died) throw new Error(`postgres exited:\n${tail(proc!.logFile)}`);
        const client = new pg.Client({ connectionString: url(), connectionTimeoutMillis: 1000 });
        try {
          await client.connect();
          await client.query('select 1');
          return true;
        } catch {
          return undefined;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { timeoutMs: 30_000 },
    );
  }

  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      await proc?.stop('SIGKILL');
      if (attempt >= 2) throw error;
      port = await freePort(); // the port was taken meanwhile
    }
  }

  return {
    get url() {
      return url();
    },
    get port() {
      return port;
    },
    async stop(mode = 'fast') {
      await proc?.stop(mode === 'fast' ? 'SIGINT' : 'SIGQUIT', 15_000);
    },
    async start() {
      await launch();
    },
  };
}
