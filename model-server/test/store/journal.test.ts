import { promises as fs } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { FileJournal } from '../../src/store/file-journal.js';
import { tempDir as makeTempDir } from './pg-helpers.js';
import { makeRows } from './rows.js';

const tempDir = () => makeTempDir('journal-test');

test('appends survive a reopen and come back in order across segments', async (t) => {
  const dir = await tempDir();
  const journal = new FileJournal({ dir, maxSegmentBytes: 600 });
  await journal.open();
  const rows = makeRows(0, 12);
  for (let i = 0; i < rows.length; i += 3) await journal.append(rows.slice(i, i + 3));
  t.is(journal.pendingRecords(), 12);
  await journal.close();

  const again = new FileJournal({ dir, maxSegmentBytes: 600 });
  await again.open();
  t.is(again.pendingRecords(), 12);
  const segments = await again.seal();
  t.true(segments.length > 1, 'small segments were rotated');
  const read: number[] = [];
  for (const segment of segments) {
    const { rows: got, badLines } = await segment.read();
    t.is(badLines, 0);
    read.push(...got.map((row) => (row.inputs as { Id: number }).Id));
  }
  t.deepEqual(read, [...Array(12).keys()]);
  for (const segment of segments) await segment.remove();
  t.is(again.pendingRecords(), 0);
  t.deepEqual(
    (await fs.readdir(dir)).filter((name) => name.startsWith('segment-')),
    [],
  );
  await again.close();
});

test('appends after seal go to a newer segment than the sealed ones', async (t) => {
  const journal = new FileJournal({ dir: await tempDir() });
  await journal.open();
  await journal.append(makeRows(0, 2));
  const sealed = await journal.seal();
  await journal.append(makeRows(2, 2));
  const all = await journal.seal();
  t.is(sealed.length, 1);
  t.is(all.length, 2);
  t.is(all[0].name, sealed[0].name);
  t.true(all[1].name > all[0].name);
  t.deepEqual(
    (await all[1].read()).rows.map((row) => (row.inputs as { Id: number }).Id),
    [2, 3],
  );
  await journal.close();
});

test('a torn last line (crash during a write) is skipped and counted', async (t) => {
  const dir = await tempDir();
  const journal = new FileJournal({ dir });
  await journal.open();
  await journal.append(makeRows(0, 3));
  await journal.close();
  const [name] = (await fs.readdir(dir)).filter((file) => file.startsWith('segment-'));
  await fs.appendFile(path.join(dir, name), '{"record_id":"abc","inp');

  const reopened = new FileJournal({ dir });
  await reopened.open();
  t.is(reopened.pendingRecords(), 4);
  const [segment] = await reopened.seal();
  const { rows, badLines } = await segment.read();
  t.is(rows.length, 3);
  t.is(badLines, 1);
  await segment.remove();
  t.is(reopened.pendingRecords(), 0);
  await reopened.close();
});

test('a directory held by another live process is refused with a clear message', async (t) => {
  const dir = await tempDir();
  await fs.writeFile(path.join(dir, 'journal.lock'), `${process.ppid}\n`);
  const journal = new FileJournal({ dir });
  await t.throwsAsync(() => journal.open(), {
    message: /in use by process \d+; give each server its own JOURNAL_DIR/,
  });
  // A lock left by a process that no longer exists is taken over.
  await fs.writeFile(path.join(dir, 'journal.lock'), '999999999\n');
  await t.notThrowsAsync(() => journal.open());
  await journal.close();
});
