import { startApp } from './app';
import { stopOnSignals } from './http/drain';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './observability/logger';
import { startTracing } from './observability/tracing';
import { DEMO_TOKEN } from './sandbox/server';

/**
 * The process: configuration, the app, and a graceful shutdown on SIGTERM and SIGINT (drain,
 * stop accepting, finish requests in flight within a deadline, close the upstream pool, exit 0:
 * see http/drain.ts).
 */

async function main(): Promise<void> {
  const config = loadConfig();
  const tracing = await startTracing();
  const logger = createLogger(config.logLevel);
  tracing?.reportTo(logger);
  const app = await startApp(config, logger, tracing);

  if (app.sandbox) {
    // The banner first: whoever waits for the "listening" line then has the banner too.
    process.stdout.write(
      `\nSWR GraphQL gateway on the embedded SWR sandbox (no SWR_ENDPOINT set)\n` +
        `  GraphiQL:   ${app.url}\n` +
        `  demo token: ${DEMO_TOKEN}   (send it as X-Auth-Token; GraphiQL already does)\n` +
        `  sandbox:    ${app.sandbox.url}   (the SWR API; PUT /sandbox/namespaces/{ns}/repos/{repo}/tags/{tag} pushes a tag)\n\n`,
    );
    logger.info(
      {
        url: app.url,
        subgraphUrl: app.subgraphUrl,
        metricsUrl: app.metricsUrl,
        upstream: 'sandbox',
      },
      'gateway listening on the embedded sandbox',
    );
  } else {
    logger.info(
      {
        url: app.url,
        subgraphUrl: app.subgraphUrl,
        metricsUrl: app.metricsUrl,
        upstream: config.swrEndpoint,
      },
      'gateway listening',
    );
  }
  if (tracing) logger.info({ protocol: tracing.settings.protocol }, 'tracing: exporting spans');

  stopOnSignals(
    app,
    { drainMs: config.shutdownDrainMs, requestDeadlineMs: config.requestDeadlineMs },
    logger,
    async () => {
      // The spans of the last requests are still buffered: export them before exiting.
      await tracing?.shutdown().catch((error: unknown) => {
        logger.warn({ err: error }, 'tracing: the last spans could not be exported');
      });
    },
  );
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
