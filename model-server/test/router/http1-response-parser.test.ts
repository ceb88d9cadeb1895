import test from 'ava';
import { ResponseParser } from '../../src/router/http1-response-parser.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');

/** Feeds `text` to a fresh parser cut into pieces of `size` bytes; returns every response. */
function parseInPieces(text: string, size: number, maxBody = 1 << 20) {
  const parser = new ResponseParser(maxBody);
  const all = [];
  const input = bytes(text);
  for (let i = 0; i < input.length; i += size) all.push(...parser.push(input.subarray(i, i + size)));
  return { parser, responses: all };
}

const TWO_RESPONSES =
  'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"a":[1,2,3]}' +
  'HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\n' +
  '5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n';

for (const size of [1, 2, 7, 64, 10_000]) {
  test(`pipelined content-length and chunked answers, read ${size} bytes at a time`, (t) => {
    const { responses, parser } = parseInPieces(TWO_RESPONSES, size);
    t.is(responses.length, 2);
    t.is(responses[0].status, 200);
    t.is(responses[0].headers['content-type'], 'application/json');
    t.is(responses[0].body.toString(), '{"a":[1,2,3]}');
    t.is(responses[1].status, 500);
    t.deepEqual(responses[1].headers['set-cookie'], ['a', 'b']);
    t.is(responses[1].body.toString(), 'hello world');
    t.false(parser.closeAfterLastResponse);
  });
}

test('informational answers are skipped; 204 has no body', (t) => {
  const { responses } = parseInPieces(
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
    3,
  );
  t.deepEqual(
    responses.map((r) => [r.status, r.body.toString()]),
    [
      [204, ''],
      [200, 'ok'],
    ],
  );
});

test('connection: close ends the pipeline after that answer', (t) => {
  const { responses, parser } = parseInPieces(
    'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\ncontent-length: 0\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n',
    1000,
  );
  t.is(responses.length, 1);
  t.is(responses[0].status, 503);
  t.true(parser.closeAfterLastResponse);
});

test('an answer without length is framed by the close of the connection', (t) => {
  const parser = new ResponseParser(1000);
  t.deepEqual(parser.push(bytes('HTTP/1.0 200 OK\r\n\r\npart one, ')), []);
  t.deepEqual(parser.push(bytes('part two')), []);
  const last = parser.end();
  t.is(last?.body.toString(), 'part one, part two');
  t.true(parser.closeAfterLastResponse);
  t.is(new ResponseParser(10).end(), undefined);
});

test('malformed or oversized answers throw with the reason', (t) => {
  const fails = (text: string, message: RegExp, maxBody = 100) =>
    t.throws(() => new ResponseParser(maxBody).push(bytes(text)), { message });
  fails('SMTP ready\r\n\r\n', /invalid status line/);
  fails('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', /invalid header line/);
  fails('HTTP/1.1 200 OK\r\ncontent-length: 12x\r\n\r\n', /invalid content-length/);
  fails('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n', /conflicting content-length/);
  fails('HTTP/1.1 200 OK\r\ncontent-length: 101\r\n\r\n', /larger than 100 bytes/);
  fails('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', /invalid chunk size/);
  fails('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n65\r\n' + 'x'.repeat(101), /larger than 100/);
  fails('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nxyz', /not followed by CRLF/);
  fails('HTTP/1.1 200 OK\r\nx: ' + 'y'.repeat(70_000), /head too large/);
});
