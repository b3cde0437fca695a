import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';

/**
 * The newcomer path, as a process: the built gateway started the way `npm start` starts it,
 * with and without SWR_ENDPOINT, queried over HTTP and stopped with SIGTERM.
 */

const ROOT = join(__dirname, '..', '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  graphiql: string;
}

async function startGateway(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const url = /"url":"(http:\/\/localhost:\d+\/graphql)"/.exec(output)?.[1];
    if (url) return { child, output: () => output, graphiql: url };
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the gateway did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stop(started: Started): Promise<number | null> {
  const exited = once(started.child, 'exit');
  started.child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

async function firstTags(url: string, token: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({
      query:
        '{ repository(namespace: "library", name: "nginx") { tags(first: 2) { totalCount nodes { name } } } }',
    }),
  });
  return response.json();
}

beforeAll(() => {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
    },
  );
}, 120_000);

describe('npm start', () => {
  it('without SWR_ENDPOINT runs on the embedded sandbox, prints the demo token, and stops on SIGTERM', async () => {
    const started = await startGateway({});
    try {
      const token = /demo token: (\S+)/.exec(started.output())?.[1];
      expect(token).toBe('sandbox-demo-token');
      expect(started.output()).toContain(`GraphiQL:   ${started.graphiql}`);
      const body = (await firstTags(started.graphiql, token ?? '')) as {
        data: { repository: { tags: { totalCount: number; nodes: { name: string }[] } } };
      };
      expect(body.data.repository.tags.totalCount).toBe(97);
      expect(body.data.repository.tags.nodes).toHaveLength(2);
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  describe('with SWR_ENDPOINT', () => {
    let upstream: SandboxHandle;
    beforeAll(async () => {
      upstream = await startSandbox();
    });
    afterAll(async () => {
      await upstream.close();
    });

    it('starts no sandbox and sends every request to the endpoint', async () => {
      const started = await startGateway({ SWR_ENDPOINT: upstream.url });
      try {
        expect(started.output()).not.toContain('demo token');
        upstream.resetRequests();
        const body = (await firstTags(started.graphiql, 'sandbox-demo-token')) as {
          data: { repository: { tags: { totalCount: number } } };
        };
        expect(body.data.repository.tags.totalCount).toBe(97);
        expect(upstream.requests).toHaveLength(1);
      } finally {
        expect(await stop(started)).toBe(0);
      }
    });
  });

  it('refuses an invalid configuration with a clear message and exit code 1', () => {
    let failure: { status: number; stderr: Buffer } | null = null;
    try {
      execFileSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
        env: { PATH: process.env.PATH ?? '', PORT: 'eighty', SWR_ENDPOINT: 'ftp://x' },
        stdio: 'pipe',
      });
    } catch (error) {
      failure = error as { status: number; stderr: Buffer };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr.toString()).toContain('PORT must be a whole number');
    expect(failure?.stderr.toString()).toContain('SWR_ENDPOINT must be an http(s) URL');
  });
});
