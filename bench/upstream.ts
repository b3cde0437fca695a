/**
 * The bench's upstream: the SWR sandbox (src/sandbox/server.ts), plus a loopback counter of
 * what it served, so the bench can tell how many upstream requests and tags each query cost.
 *
 *   SANDBOX_PORT=… COUNTER_PORT=… [SANDBOX_DELAY_MS=40] node bench/dist/bench/upstream.js
 *
 * GET http://127.0.0.1:$COUNTER_PORT/__count → {"requests":n,"tags":n,"errors":n}: SWR tag-list
 * requests answered, tags in their bodies (from the `{offset}-{count}/{total}` Content-Range
 * the sandbox sends), and answers that were not 200. GET …/__requests → the sandbox's request
 * log since the last such call (path, status, and when each request arrived and was answered,
 * in ms since the epoch),
 * and clears it. SANDBOX_DELAY_MS makes every answer wait, as a remote region's would.
 * Everything listens on 127.0.0.1 only.
 */
import { ServerResponse, createServer, type OutgoingHttpHeaders } from 'node:http';
import { ConfigError, integer } from '../src/config';
import { parseDelay } from '../src/sandbox/request-log';
import { startSandbox } from '../src/sandbox/server';

const HOST = '127.0.0.1';

function port(name: string): number {
  const problems: string[] = [];
  const value = integer(process.env, name, 0, 0, 65535, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}

const counts = { requests: 0, tags: 0, errors: 0 };
const CONTENT_RANGE = /^\d+-(\d+)\/\d+$/;

/**
 * The sandbox writes every answer with `res.writeHead(status, headers)`; counting there sees
 * the status and the Content-Range of every SWR answer without touching the sandbox's code.
 */
type WriteHead = (this: ServerResponse, status: number, ...rest: unknown[]) => ServerResponse;
// eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with .call below
const originalWriteHead = ServerResponse.prototype.writeHead as unknown as WriteHead;
const countingWriteHead: WriteHead = function (this: ServerResponse, status, ...rest) {
  if (this.req.url?.startsWith('/v2/')) {
    counts.requests++;
    if (status !== 200) counts.errors++;
    const headers = rest[rest.length - 1];
    if (typeof headers === 'object' && headers !== null && !Array.isArray(headers)) {
      const range = (headers as OutgoingHttpHeaders)['Content-Range'];
      const match = typeof range === 'string' ? CONTENT_RANGE.exec(range) : null;
      if (match) counts.tags += Number(match[1]);
    }
  }
  return originalWriteHead.call(this, status, ...rest);
};
ServerResponse.prototype.writeHead = countingWriteHead as ServerResponse['writeHead'];

async function main(): Promise<void> {
  const sandbox = await startSandbox({
    host: HOST,
    port: port('SANDBOX_PORT'),
    delay: parseDelay(process.env.SANDBOX_DELAY_MS),
  });
  const counter = createServer((req, res) => {
    req.resume();
    if (req.method === 'GET' && req.url === '/__count') {
      const body = JSON.stringify(counts);
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else if (req.method === 'GET' && req.url === '/__requests') {
      // In ms since the epoch, comparable with the bench's own clock.
      const epoch = performance.timeOrigin;
      const body = JSON.stringify(
        sandbox.requests.map(({ method, path, status, startedAt, endedAt }) => ({
          method,
          path,
          status,
          startedAt: epoch + startedAt,
          endedAt: epoch + endedAt,
        })),
      );
      sandbox.resetRequests();
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    counter.once('error', reject);
    counter.listen(port('COUNTER_PORT'), HOST, resolve);
  });
  const address = counter.address();
  const counterPort = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`upstream ready: sandbox ${sandbox.url}, counter port ${counterPort}\n`);

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    counter.close();
    counter.closeAllConnections();
    sandbox.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`upstream: error while closing: ${String(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`upstream failed to start: ${String(error)}\n`);
  process.exit(1);
});
