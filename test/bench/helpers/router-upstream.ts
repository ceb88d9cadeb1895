/**
 * Stand-in model-server for the router benchmark, run as its own process:
 *   tsx test/bench/helpers/router-upstream.ts <version> <factor>
 * Answers POST /v1/predictions like the model-server (`{predictions, version, errors}`, each
 * prediction `factor` × a fixed function of the record) and prints `listening <port>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const [version = '1.0.0', factorText = '1'] = process.argv.slice(2);
const factor = Number(factorText);

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (req.url !== '/v1/predictions') {
      res.end(JSON.stringify({ name: 'bench', version }));
      return;
    }
    const records = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, number>[];
    const predictions = records.map(
      (r) => factor * (50_000 + 100 * (r.GrLivArea ?? 0) + 10 * (r.LotArea ?? 0)),
    );
    res.end(JSON.stringify({ predictions, version, errors: [] }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
