/**
 * Runs the SWR sandbox standalone (`npm run sandbox`): `node dist/sandbox-main.js`.
 * Environment: `SANDBOX_PORT` (default 4010), `SANDBOX_HOST` (default 127.0.0.1),
 * `SANDBOX_DELAY_MS` (default 0: how long every answer waits, as a remote region's would),
 * `SANDBOX_FLAVOR` (default `reference`: which SWR server it plays; see sandbox/flavors.ts).
 */
import { ConfigError, SETTINGS, integer } from './config';
import { parseDelay } from './sandbox/request-log';
import { DEMO_TOKEN, startSandbox } from './sandbox/server';

async function main(): Promise<void> {
  const problems: string[] = [];
  const port = integer(process.env, 'SANDBOX_PORT', 4010, 0, 65535, problems);
  const { name, parse, default: reference } = SETTINGS.sandboxFlavor;
  const raw = process.env[name];
  const flavor = raw === undefined || raw === '' ? reference : parse(raw, name, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
  const delay = parseDelay(process.env.SANDBOX_DELAY_MS);
  const sandbox = await startSandbox({ host, port, delay, flavor });
  console.log(
    `SWR sandbox (${flavor}) listening on ${sandbox.url} (X-Auth-Token: ${DEMO_TOKEN})` +
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
