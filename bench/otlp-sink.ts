/**
 * The bench's trace collector: accepts OTLP/HTTP exports (`POST /v1/traces`), reads and drops
 * them, and counts them, so that leg (l) pays for exporting its spans as it would to a real
 * collector.
 *
 *   SINK_PORT=… node bench/dist/bench/otlp-sink.js
 *
 * GET http://127.0.0.1:$SINK_PORT/__count → {"exports":n,"bytes":n}. Listens on 127.0.0.1 only.
 */
import { createServer } from 'node:http';

const HOST = '127.0.0.1';
const counts = { exports: 0, bytes: 0 };

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/__count') {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
    return;
  }
  if (req.method !== 'POST' || req.url !== '/v1/traces') {
    req.resume();
    res.writeHead(404).end();
    return;
  }
  req.on('data', (chunk: Buffer) => {
    counts.bytes += chunk.length;
  });
  req.on('end', () => {
    counts.exports++;
    // An empty ExportTraceServiceResponse is no bytes at all in protobuf.
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});

server.listen(Number(process.env.SINK_PORT ?? 0), HOST, () => {
  process.stdout.write('otlp sink ready\n');
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
