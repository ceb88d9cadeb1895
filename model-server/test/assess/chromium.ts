/**
 * Headless Chromium (Debian's `chromium`, installed by scripts/setup.sh) for looking at the
 * HTML report as a browser draws it. A missing browser is an error, not a reason to skip.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The browser binary; CHROMIUM overrides it. */
export const CHROMIUM = process.env.CHROMIUM ?? 'chromium';
const TIMEOUT_MS = 90_000;

/** Writes a PNG screenshot of a local HTML file at the given window size; returns its bytes. */
export async function screenshot(htmlFile: string, size: { width: number; height: number }): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'report-shot-'));
  try {
    const png = path.join(dir, 'page.png');
    await run([`--screenshot=${png}`, `--window-size=${size.width},${size.height}`, pageUrl(htmlFile)], dir);
    return await readFile(png);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The document as Chromium parsed it (`--dump-dom`), serialised again. */
export async function dumpDom(htmlFile: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'report-dom-'));
  try {
    return await run(['--dump-dom', pageUrl(htmlFile)], dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const pageUrl = (file: string) => pathToFileURL(path.resolve(file)).href;

/** Runs the browser once with its own profile directory; resolves with its standard output. */
function run(args: string[], profileDir: string): Promise<string> {
  const argv = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--force-color-profile=srgb',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-extensions',
    // No name resolves: a page that needed the network would show it, and none is contacted.
    '--host-resolver-rules=MAP * ~NOTFOUND',
    `--user-data-dir=${path.join(profileDir, 'profile')}`,
    ...args,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      argv,
      { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new Error(
              `${CHROMIUM} is not installed: the HTML report tests need headless Chromium. ` +
                "Run `npm run setup` (it installs Debian's chromium) or `apt-get install -y chromium`.",
            ),
          );
        } else if (error) {
          reject(new Error(`${CHROMIUM} ${args.join(' ')} failed: ${error.message}\n${stderr.slice(-2000)}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}
