import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { buildGateway, runUntilExit, startGatewayProcess } from '../support/process';

/**
 * The newcomer path, as a process: the built gateway started the way `npm start` starts it,
 * with and without SWR_ENDPOINT, queried over HTTP and stopped with SIGTERM.
 */

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
  buildGateway();
}, 120_000);

describe('npm start', () => {
  it('without SWR_ENDPOINT runs on the embedded sandbox, prints the demo token, and stops on SIGTERM', async () => {
    const started = await startGatewayProcess({});
    try {
      const token = /demo token: (\S+)/.exec(started.output())?.[1];
      expect(token).toBe('sandbox-demo-token');
      expect(started.output()).toContain(`GraphiQL:   ${started.url}`);
      const body = (await firstTags(started.url, token ?? '')) as {
        data: { repository: { tags: { totalCount: number; nodes: { name: string }[] } } };
      };
      expect(body.data.repository.tags.totalCount).toBe(97);
      expect(body.data.repository.tags.nodes).toHaveLength(2);
    } finally {
      expect(await started.stop()).toBe(0);
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
      const started = await startGatewayProcess({ SWR_ENDPOINT: upstream.url });
      try {
        expect(started.output()).not.toContain('demo token');
        upstream.resetRequests();
        const body = (await firstTags(started.url, 'sandbox-demo-token')) as {
          data: { repository: { tags: { totalCount: number } } };
        };
        expect(body.data.repository.tags.totalCount).toBe(97);
        expect(upstream.requests).toHaveLength(1);
      } finally {
        expect(await started.stop()).toBe(0);
      }
    });
  });

  it('refuses an invalid configuration with a clear message and exit code 1', () => {
    const failure = runUntilExit({ PORT: 'eighty', SWR_ENDPOINT: 'ftp://x' });
    expect(failure.status).toBe(1);
    expect(failure.stderr).toContain('PORT must be a whole number');
    expect(failure.stderr).toContain('SWR_ENDPOINT must be an http(s) URL');
  });

  it('refuses invalid lockdown settings, each named, with exit code 1', () => {
    const { status, stderr } = runUntilExit({
      PORT: '4999',
      SUBGRAPH_PORT: '4999',
      KEEP_ALIVE_TIMEOUT_MS: '90000',
      REQUEST_TIMEOUT_MS: '60000',
      CORS_ORIGINS: 'https://app.example.com/, *.example.com',
      INTROSPECTION: 'no',
      ALLOW_ARBITRARY_DOCUMENTS: 'yes',
      SUBGRAPH_SECRET: 'short',
    });
    expect(status).toBe(1);
    expect(stderr).toContain('REQUEST_TIMEOUT_MS must be at least KEEP_ALIVE_TIMEOUT_MS + 1000');
    expect(stderr).toContain('SUBGRAPH_PORT must differ from PORT');
    expect(stderr).toContain('CORS_ORIGINS must list origins like https://app.example.com');
    expect(stderr).toContain('"https://app.example.com/"');
    expect(stderr).toContain('"*.example.com"');
    expect(stderr).toContain('INTROSPECTION must be true or false, not "no"');
    expect(stderr).toContain('ALLOW_ARBITRARY_DOCUMENTS must be true or false');
    expect(stderr).toContain('SUBGRAPH_SECRET must be at least 16 printable ASCII characters');
    // The secret itself is never printed.
    expect(stderr).not.toContain('short');
  });
});
