/**
 * The drain on SIGTERM, as a load balancer sees it: the built gateway as a process, over a
 * sandbox whose answers the test can hold. After SIGTERM `/ready` answers 503 at once while
 * the gateway still accepts and serves, every answer says `Connection: close` (on a kept-alive
 * connection too), a second SIGTERM changes nothing; when the drain ends new connections are
 * refused, an idle keep-alive connection is closed, a request in flight still completes, and
 * the process exits 0. Every step waits for an event (a log line, a held request), never for a
 * time; the drain is long enough that the steps inside it fit on a busy machine.
 */
import { once } from 'node:events';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { buildGateway, startGatewayProcess, type GatewayProcess } from '../support/process';
import { hasNginxData, query, refused, send, until } from './client';

const DRAIN_MS = 6_000;

let sandbox: SandboxHandle;
/** While set, each upstream answer waits for `release`. */
let hold: { reached: boolean; release: () => void; gate: Promise<void> } | null = null;

beforeAll(() => {
  buildGateway();
}, 120_000);

beforeAll(async () => {
  sandbox = await startSandbox({
    delay: () => {
      if (hold === null) return Promise.resolve();
      hold.reached = true;
      return hold.gate;
    },
  });
});

afterAll(async () => {
  await sandbox.close();
});

function holdAnswers(): NonNullable<typeof hold> {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  hold = { reached: false, release, gate };
  return hold;
}

test('SIGTERM: 503 on /ready, still serving with Connection: close, then refusing, finishing, exit 0', async () => {
  const gateway: GatewayProcess = await startGatewayProcess({
    SWR_ENDPOINT: sandbox.url,
    SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
  });
  const exited = once(gateway.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const before = await query(gateway.port, agent);
    expect(hasNginxData(before)).toBe(true);
    expect(before.connection).toBe('keep-alive');
    expect((await send(gateway.port, false, '/ready')).status).toBe(200);
    // A keep-alive connection that stays idle from before SIGTERM to the end of the drain.
    const idle = connect({ host: '127.0.0.1', port: gateway.port });
    let idleReceived = '';
    idle.setEncoding('latin1');
    idle.on('data', (chunk: string) => (idleReceived += chunk));
    const idleClosed = once(idle, 'close');
    idle.write('GET /health HTTP/1.1\r\nHost: gateway\r\n\r\n');
    await until(() => idleReceived.includes('\r\n\r\n'));
    expect(idleReceived).toMatch(/^HTTP\/1\.1 200 /);

    gateway.child.kill('SIGTERM');
    await until(() => gateway.output().includes('draining'));

    const ready = await send(gateway.port, false, '/ready');
    expect(ready.status).toBe(503);
    // The connection kept alive before SIGTERM is served, and told to close.
    const onKeptAlive = await query(gateway.port, agent);
    expect(onKeptAlive.reused).toBe(true);
    expect(hasNginxData(onKeptAlive)).toBe(true);
    expect(onKeptAlive.connection).toBe('close');
    // A new connection is still accepted and served.
    const onNew = await query(gateway.port, false);
    expect(hasNginxData(onNew)).toBe(true);
    expect(onNew.connection).toBe('close');
    expect((await send(gateway.port, false, '/health')).status).toBe(200);

    // A request still in flight when the drain ends.
    const held = holdAnswers();
    const inFlight = query(gateway.port, false);
    await until(() => held.reached);
    gateway.child.kill('SIGTERM');
    await until(() => gateway.output().includes('already stopping'));

    await until(() => gateway.output().includes('closing: refusing new connections'));
    await until(() => refused(gateway.port));
    // The idle connection is closed by the gateway (not left to its 65 s keep-alive timeout),
    // while the held request is still in flight.
    await idleClosed;
    expect(gateway.child.exitCode).toBeNull();
    held.release();
    const finished = await inFlight;
    expect(hasNginxData(finished)).toBe(true);
    expect(finished.connection).toBe('close');

    const [code, signal] = await exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    const output = gateway.output();
    expect(output).toContain('"msg":"stopped"');
    expect(output).not.toContain('shutdown deadline passed');
    // The phases in their order.
    const at = (text: string): number => output.indexOf(text);
    expect(at('draining')).toBeLessThan(at('closing:'));
    expect(at('closing:')).toBeLessThan(at('"msg":"stopped"'));
  } finally {
    hold?.release();
    hold = null;
    agent.destroy();
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) {
      gateway.child.kill('SIGKILL');
    }
  }
}, 60_000);

test('SIGINT (Ctrl-C at a terminal) skips the drain: the listener closes at once and the process exits 0', async () => {
  // A drain far longer than the test's timeout: only skipping it lets the test pass.
  const gateway = await startGatewayProcess({
    SWR_ENDPOINT: sandbox.url,
    SHUTDOWN_DRAIN_MS: '600000',
  });
  const exited = once(gateway.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    expect(hasNginxData(await query(gateway.port, false))).toBe(true);
    gateway.child.kill('SIGINT');
    const [code, signal] = await exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(gateway.output()).not.toContain('draining');
    expect(gateway.output()).toContain('"msg":"stopped"');
  } finally {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) {
      gateway.child.kill('SIGKILL');
    }
  }
}, 60_000);
