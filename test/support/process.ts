import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';

/**
 * The gateway as a process, as `npm start` runs it: built with tsc, then `node dist/main.js`
 * with an environment of the test's choosing.
 */

export const ROOT = join(__dirname, '..', '..');

/** Builds `dist/` (incrementally), as `npm start` does first. */
export function buildGateway(): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT },
  );
}

/** A URL the process logged (`localhost`), on the loopback address it listens on. */
export function loopback(url: string): string {
  return url.replace('//localhost:', '//127.0.0.1:');
}

/**
 * Runs `node dist/main.js` with `env` until it exits, for a start that must fail: its exit code
 * (null when it had to be killed after 15 s) and what it wrote to stderr.
 */
export function runUntilExit(env: Record<string, string>): {
  status: number | null;
  stderr: string;
} {
  try {
    execFileSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'pipe',
      timeout: 15_000,
    });
    return { status: 0, stderr: '' };
  } catch (error) {
    const failure = error as { status: number | null; stderr: Buffer };
    return { status: failure.status, stderr: failure.stderr.toString() };
  }
}

export interface GatewayProcess {
  child: ChildProcess;
  /** The GraphQL endpoint the process logged, for example http://localhost:41231/graphql. */
  url: string;
  port: number;
  /** The subgraph endpoint it logged: on `port`, or on SUBGRAPH_PORT's port. */
  subgraphUrl: string;
  /** `/metrics` on METRICS_PORT, as it logged it (METRICS_PORT is 0 unless `env` says). */
  metricsUrl: string | null;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `node dist/main.js` on a free loopback port, once it has said where it listens. */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    // No balancer in front that needs a drain to see the process leave (test/deploy/ has one).
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUTDOWN_DRAIN_MS: '0',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = once(child, 'exit');
    child.kill(signal);
    const [code] = (await exited) as [number | null];
    return code;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const match = /"url":"(http:\/\/localhost:(\d+)\/graphql)","subgraphUrl":"([^"]+)"/.exec(
      output,
    );
    if (match?.[1] && match[2] && match[3]) {
      return {
        child,
        url: match[1],
        port: Number(match[2]),
        subgraphUrl: match[3],
        metricsUrl: /"metricsUrl":"([^"]+)"/.exec(output)?.[1] ?? null,
        output: () => output,
        stop,
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gateway did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The built gateway as a process over a sandbox of the test's own, whose requests it counts. */
export interface BuiltGateway {
  process: GatewayProcess;
  sandbox: SandboxHandle;
  /** http://127.0.0.1:{port} */
  base: string;
  /** http://127.0.0.1:{port}/graphql */
  url: string;
  /** The subgraph endpoint, on 127.0.0.1. */
  subgraphUrl: string;
  /** `/metrics` on its own port, on 127.0.0.1. */
  metricsUrl: string;
  /** The upstream requests the sandbox served since the last reset. */
  upstreamCount(): number;
  /** Stops the process (expecting exit 0) and the sandbox. */
  close(): Promise<void>;
}

export async function startBuiltGateway(env: Record<string, string> = {}): Promise<BuiltGateway> {
  const sandbox = await startSandbox();
  let started: GatewayProcess;
  try {
    started = await startGatewayProcess({ SWR_ENDPOINT: sandbox.url, ...env });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const base = `http://127.0.0.1:${started.port}`;
  return {
    process: started,
    sandbox,
    base,
    url: `${base}/graphql`,
    subgraphUrl: loopback(started.subgraphUrl),
    metricsUrl: loopback(started.metricsUrl ?? ''),
    upstreamCount: () => sandbox.requests.length,
    async close() {
      const code = await started.stop();
      await sandbox.close();
      if (code !== 0) throw new Error(`the gateway exited with ${code}:\n${started.output()}`);
    },
  };
}
