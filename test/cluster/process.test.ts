import { spawn } from 'node:child_process';
import { once } from 'node:events';
import test from 'ava';
import { processCpuSeconds, processStartTime } from './process.js';
import { waitFor } from './wait.js';

// The child renames itself so that its command name holds ") " as a naive /proc parser would split on.
const BURNER = `
process.title = 'burn) 1 2 3';
const until = Date.now() + 400;
while (Date.now() < until);
console.log('burnt');
setInterval(() => {}, 1000);
`;

test('CPU seconds of a process are read from /proc, whatever its command name holds', async (t) => {
  const child = spawn(process.execPath, ['-e', BURNER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the child to burn 400 ms of CPU', () => (out.includes('burnt') ? true : undefined));
    const seconds = processCpuSeconds(child.pid!);
    t.true(seconds >= 0.3 && seconds < 5, `read ${seconds} s`);
    t.regex(processStartTime(child.pid!) ?? '', /^\d+$/);
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  t.true(Number.isNaN(processCpuSeconds(child.pid!)));
});
