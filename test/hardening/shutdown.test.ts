/**
 * Hardening: the process stops gracefully. The built gateway (`node dist/main.js`) runs over a
 * stand-in upstream that answers after about a second; SIGTERM arrives while requests are in
 * flight. They all complete with data, new connections are refused, and the process exits 0
 * well within its 10 s shutdown deadline. A request already on its connection when shutdown
 * begins learns from `/ready` that the gateway no longer takes traffic.
 */
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { DEMO_TOKEN } from '../../src/sandbox/server';
import { buildGateway, startGatewayProcess } from '../support/process';
import {
  NGINX_QUERY,
  expectNginxData,
  graphql,
  sleep,
  startGateway,
  startStandIn,
  type Answer,
  type StandIn,
} from './support';

/** main.ts's SHUTDOWN_DEADLINE_MS. */
const SHUTDOWN_DEADLINE_MS = 10_000;
const UPSTREAM_DELAY_MS = 1_000;

/** Whether a new TCP connection to the port is refused (ECONNREFUSED). */
function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED');
    });
  });
}

let standIn: StandIn;

beforeAll(() => {
  buildGateway();
}, 120_000);

beforeAll(async () => {
  standIn = await startStandIn();
  standIn.otherwise({ kind: 'proxy', delayMs: UPSTREAM_DELAY_MS });
});

afterAll(async () => {
  await standIn.close();
});

describe('SIGTERM with requests in flight', () => {
  test('they complete with data, new connections are refused, and the process exits 0', async () => {
    const started = await startGatewayProcess({
      SWR_ENDPOINT: standIn.url,
      SWR_TIMEOUT_MS: '5000',
    });
    const url = `http://127.0.0.1:${started.port}/graphql`;
    const exited = once(started.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      // Before: the process serves.
      expect(await connectionRefused(started.port)).toBe(false);
      standIn.reset();
      standIn.otherwise({ kind: 'proxy', delayMs: UPSTREAM_DELAY_MS });

      const inFlight = 4;
      let settled = 0;
      const requests: Promise<Answer>[] = Array.from({ length: inFlight }, (_, i) =>
        graphql(url, NGINX_QUERY, DEMO_TOKEN, {}, { 'x-request-id': `shutdown-${i}` }).finally(
          () => {
            settled++;
          },
        ),
      );
      // Wait until every request has reached the upstream: they are in flight.
      const waitUntil = Date.now() + 5_000;
      while (standIn.attempts.length < inFlight && Date.now() < waitUntil) await sleep(10);
      expect(standIn.attempts).toHaveLength(inFlight);

      const signalled = performance.now();
      started.child.kill('SIGTERM');

      // New connections are refused while the requests are still in flight.
      let refused = false;
      const refuseBy = Date.now() + 500;
      while (!refused && Date.now() < refuseBy) {
        await sleep(25);
        refused = await connectionRefused(started.port);
      }
      expect(refused).toBe(true);
      expect(settled).toBe(0);

      const answers = await Promise.all(requests);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expectNginxData(answer);
      }
      expect(answers.map((answer) => answer.headers.get('x-request-id'))).toEqual([
        'shutdown-0',
        'shutdown-1',
        'shutdown-2',
        'shutdown-3',
      ]);

      const [code, signal] = await exited;
      const stoppedAfterMs = performance.now() - signalled;
      expect(signal).toBeNull();
      expect(code).toBe(0);
      expect(stoppedAfterMs).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      // The in-flight requests set the pace, not the deadline.
      expect(stoppedAfterMs).toBeGreaterThanOrEqual(UPSTREAM_DELAY_MS / 2);
      expect(started.output()).toContain('shutting down');
      expect(started.output()).toContain('"msg":"stopped"');
      expect(started.output()).not.toContain('shutdown deadline passed');
      // Only the requests sent before SIGTERM reached the upstream.
      expect(standIn.attempts).toHaveLength(inFlight);
    } finally {
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGKILL');
      }
    }
  }, 20_000);

  test('BUG: after SIGTERM, kept-alive connections are closed as their requests finish, and serve no new request', async () => {
    const started = await startGatewayProcess({
      SWR_ENDPOINT: standIn.url,
      SWR_TIMEOUT_MS: '5000',
    });
    const exited = once(started.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    // One keep-alive connection, as a proxy or a load balancer keeps one.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      standIn.reset();
      standIn.otherwise({ kind: 'proxy', delayMs: UPSTREAM_DELAY_MS });
      const first = keptAlive(agent, started.port, 'first');
      const waitUntil = Date.now() + 5_000;
      while (standIn.attempts.length < 1 && Date.now() < waitUntil) await sleep(10);
      const signalled = performance.now();
      started.child.kill('SIGTERM');
      await sleep(100);
      // Queued behind `first` on the same connection: sent after SIGTERM.
      const second = keptAlive(agent, started.port, 'second');

      const answered = await first;
      expect(answered.status).toBe(200);
      expect(answered.text).toContain('"totalCount":97');
      const late = await second;
      const [code] = await exited;
      const stoppedAfterMs = performance.now() - signalled;
      expect(code).toBe(0);

      // A graceful shutdown tells the client the connection ends with this answer ...
      expect(answered.connection).toBe('close');
      // ... serves nothing that arrives after SIGTERM ...
      expect(late.status).not.toBe(200);
      // ... and is not held open by connections that went idle after SIGTERM.
      expect(stoppedAfterMs).toBeLessThan(UPSTREAM_DELAY_MS + 1_500);
    } finally {
      agent.destroy();
      if (started.child.exitCode === null && started.child.signalCode === null) {
        started.child.kill('SIGKILL');
      }
    }
  }, 20_000);
});

interface KeptAliveAnswer {
  /** 0 when the request failed without an answer. */
  status: number;
  connection: string | undefined;
  text: string;
}

/** A GraphQL request over node:http with the agent given (keep-alive, one socket). */
function keptAlive(agent: Agent, port: number, id: string): Promise<KeptAliveAnswer> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-auth-token': DEMO_TOKEN,
          'x-request-id': id,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            connection: response.headers.connection,
            text,
          });
        });
      },
    );
    req.on('error', () => {
      resolve({ status: 0, connection: undefined, text: '' });
    });
    req.end(JSON.stringify({ query: NGINX_QUERY }));
  });
}

describe('readiness while shutting down', () => {
  test('a request already on its connection when close() begins gets /ready 503 and Connection: close', async () => {
    const gateway = await startGateway({ SWR_ENDPOINT: standIn.url });
    const { port } = new URL(gateway.base);
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    await once(socket, 'connect');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = once(socket, 'close');
    // Headers sent but not finished: the connection is busy, so close() does not drop it.
    socket.write('GET /ready HTTP/1.1\r\nHost: gateway\r\n');
    await sleep(50);
    const closed = gateway.app.close();
    socket.write('\r\n');
    await ended;
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 503 /);
    expect(received.toLowerCase()).toContain('connection: close');
  });
});
