import test from 'ava';
import { copyField, copyText } from '../../src/store/copy-text.js';
import { makeRows } from './rows.js';

test('fields escape backslash, tab, newline and carriage return; other text is kept as is', (t) => {
  t.is(copyField('plain ünïcode "quoted"'), 'plain ünïcode "quoted"');
  t.is(copyField('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
});

test('one line per row, eight tab-separated columns, JSON escapes doubled', (t) => {
  const [row] = makeRows(7, 1, 'candidate', 'req\t1');
  row.inputs = { Street: 'Pave\\"x"' };
  const [line, rest] = copyText([row]).split('\n');
  t.is(rest, '');
  const fields = line.split('\t');
  t.is(fields.length, 8);
  t.is(fields[1], 'req\\t1');
  t.is(fields[4], 'candidate');
  t.is(fields[5], String.raw`{"Street":"Pave\\\\\\"x\\""}`);
  t.is(fields[7], row.created_at);
});
