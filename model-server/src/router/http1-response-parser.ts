/**
 * Incremental parser of the HTTP/1.1 responses arriving on one client connection, in order:
 * bodies framed by content-length, by chunked encoding, or by the close of the connection.
 */

/** One complete response. */
export interface ParsedResponse {
  status: number;
  /** Lower-case names; a repeated header gives an array. */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const MAX_HEAD_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close';

/** Parses the byte stream of one connection into responses. Throws on malformed input. */
export class ResponseParser {
  /** The last response asked for the connection to be closed after it. */
  closeAfterLastResponse = false;
  private buffer: Buffer = EMPTY;
  private state: State = 'head';
  private status = 0;
  private headers: Record<string, string | string[]> = {};
  private keepAlive = true;
  private remaining = 0;
  private bodyParts: Buffer[] = [];
  private bodyBytes = 0;

  constructor(private readonly maxBodyBytes: number) {}

  /** Feeds bytes read from the socket; returns the responses they complete. */
  push(chunk: Buffer): ParsedResponse[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const done: ParsedResponse[] = [];
    let at = 0;
    const buf = this.buffer;
    for (;;) {
      if (this.state === 'head') {
        const end = buf.indexOf(HEAD_END, at);
        if (end < 0) {
          if (buf.length - at > MAX_HEAD_BYTES) throw new Error('response head too large');
          break;
        }
        this.readHead(buf.toString('latin1', at, end));
        at = end + 4;
        if (this.state === 'head') continue; // an informational (1xx) response
      } else if (this.state === 'length' || this.state === 'chunk-data') {
        const take = Math.min(this.remaining, buf.length - at);
        this.addBody(buf.subarray(at, at + take));
        at += take;
        this.remaining -= take;
        if (this.remaining > 0) break;
        this.state = this.state === 'length' ? 'head' : 'chunk-end';
        if (this.state === 'head') done.push(this.complete());
      } else if (this.state === 'chunk-size') {
        const end = buf.indexOf(CRLF, at);
        if (end < 0) {
          if (buf.length - at > 1024) throw new Error('chunk size line too long');
          break;
        }
        const size = parseInt(buf.toString('latin1', at, end).split(';')[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error('invalid chunk size');
        at = end + 2;
        this.remaining = size;
        this.state = size === 0 ? 'trailers' : 'chunk-data';
      } else if (this.state === 'chunk-end') {
        if (buf.length - at < 2) break;
        if (buf[at] !== 13 || buf[at + 1] !== 10) throw new Error('chunk not followed by CRLF');
        at += 2;
        this.state = 'chunk-size';
      } else if (this.state === 'trailers') {
        const end = buf.indexOf(CRLF, at);
        if (end < 0) break;
        const empty = end === at;
        at = end + 2;
        if (empty) {
          this.state = 'head';
          done.push(this.complete());
        }
      } else {
        this.addBody(buf.subarray(at));
        at = buf.length;
        break;
      }
      if (this.closeAfterLastResponse) break;
    }
    this.buffer = at >= buf.length ? EMPTY : buf.subarray(at);
    return done;
  }

  /** The connection ended: completes a response framed by the close, if one was being read. */
  end(): ParsedResponse | undefined {
    if (this.state !== 'until-close') return undefined;
    this.state = 'head';
    return this.complete();
  }

  private readHead(text: string): void {
    const lines = text.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]);
    if (!statusLine) throw new Error(`invalid status line ${JSON.stringify(lines[0].slice(0, 80))}`);
    const status = Number(statusLine[2]);
    if (status >= 100 && status < 200) return; // informational: the real answer follows
    const headers: Record<string, string | string[]> = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) throw new Error(`invalid header line ${JSON.stringify(lines[i].slice(0, 80))}`);
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim();
      const seen = headers[name];
      headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    const connection = String(headers.connection ?? '').toLowerCase();
    this.keepAlive =
      statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    this.status = status;
    this.headers = headers;
    this.bodyParts = [];
    this.bodyBytes = 0;
    const transferEncoding = String(headers['transfer-encoding'] ?? '').toLowerCase();
    const length = headers['content-length'];
    if (status === 204 || status === 304) {
      this.remaining = 0;
      this.state = 'length';
    } else if (transferEncoding.includes('chunked')) {
      this.state = 'chunk-size';
    } else if (typeof length === 'string') {
      if (!/^\d+$/.test(length)) throw new Error(`invalid content-length ${JSON.stringify(length)}`);
      this.remaining = Number(length);
      if (this.remaining > this.maxBodyBytes)
        throw new Error(`answer larger than ${this.maxBodyBytes} bytes`);
      this.state = 'length';
    } else if (length !== undefined) {
      throw new Error('conflicting content-length headers');
    } else {
      this.keepAlive = false;
      this.state = 'until-close';
    }
  }

  private addBody(part: Buffer): void {
    if (part.length === 0) return;
    this.bodyBytes += part.length;
    if (this.bodyBytes > this.maxBodyBytes) throw new Error(`answer larger than ${this.maxBodyBytes} bytes`);
    this.bodyParts.push(part);
  }

  private complete(): ParsedResponse {
    const parts = this.bodyParts;
    const body = parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0] : Buffer.concat(parts);
    if (!this.keepAlive) this.closeAfterLastResponse = true;
    return { status: this.status, headers: this.headers, body };
  }
}
