/**
 * Runs the SWR sandbox standalone: `node dist/sandbox/main.js`.
 * Environment: `SANDBOX_PORT` (default 4010), `SANDBOX_HOST` (default 127.0.0.1),
 * `SANDBOX_DELAY_MS` (default 0: how long every answer waits, as a remote region's would).
 */
import { parseDelay } from './request-log';
import { DEMO_TOKEN, startSandbox } from './server';

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 4010;
  const port = /^[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`SANDBOX_PORT must be 0..65535, got "${raw}"`);
  return port;
}

async function main(): Promise<void> {
  const port = readPort(process.env.SANDBOX_PORT);
  const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
  const delay = parseDelay(process.env.SANDBOX_DELAY_MS);
  const sandbox = await startSandbox({ host, port, delay });
  console.log(
    `SWR sandbox listening on ${sandbox.url} (X-Auth-Token: ${DEMO_TOKEN})` +
      (delay > 0 ? `, answering after ${delay} ms` : ''),
  );

  let closing = false;
  const shutdown = (): void => {
    if (closing) return;
    closing = true;
    sandbox.close().then(
      () => {
        process.exitCode = 0;
      },
      (err: unknown) => {
        console.error('SWR sandbox: error while closing', err);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('SWR sandbox failed to start:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
