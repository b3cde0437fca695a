/**
 * A rolling restart under load loses nothing. Three replicas of the built gateway behind
 * HAProxy in TCP mode, which routes by each replica's `/ready` (checks every 500 ms, no retry,
 * no redispatch); 24 clients on keep-alive connections (node:http Agents) send queries without
 * pause, counting every answer that is not 200 with the right data and every socket error.
 * Each replica in turn gets SIGTERM, exits, and a new one starts on its port, as a Deployment's
 * rolling update replaces pods. Every step waits for an event (HAProxy's view of a replica, a
 * process's exit), never for a time; what must hold on a busy machine is only that HAProxy
 * takes a replica out within the drain (5 s against 3 checks of 500 ms), and the test checks
 * that too.
 */
import { Agent } from 'node:http';
import { loadConfig } from '../../src/config';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/server';
import { buildGateway, startGatewayProcess, type GatewayProcess } from '../support/process';
import { freePort, hasNginxData, query, until } from './client';
import { startBalancer, type Balancer } from './haproxy';

const REPLICAS = 3;
const CLIENTS = 24;
const MIN_QUERIES = 20_000;

interface Load {
  answered: number;
  wrong: number;
  /** Socket errors by code (ECONNRESET, ECONNREFUSED, ...). */
  errors: Map<string, number>;
  stop: () => Promise<void>;
}

/** CLIENTS loops of queries, each on a keep-alive Agent of its own, until stopped. */
function startLoad(port: number): Load {
  let running = true;
  const load: Load = { answered: 0, wrong: 0, errors: new Map(), stop: () => Promise.resolve() };
  const client = async (): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (running) {
      try {
        const reply = await query(port, agent);
        if (hasNginxData(reply)) load.answered++;
        else load.wrong++;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        load.errors.set(code, (load.errors.get(code) ?? 0) + 1);
      }
    }
    agent.destroy();
  };
  const clients = Array.from({ length: CLIENTS }, client);
  load.stop = async () => {
    running = false;
    await Promise.all(clients);
  };
  return load;
}

const served = (replica: GatewayProcess): number =>
  replica.output().split('"route":"graphql","status":200').length - 1;

let sandbox: SandboxHandle;
let balancer: Balancer | null = null;
const replicas: GatewayProcess[] = [];

beforeAll(() => {
  buildGateway();
}, 120_000);

afterAll(async () => {
  await balancer?.stop();
  for (const replica of replicas) {
    if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
  }
  await sandbox.close();
});

test('three replicas, each SIGTERMed and replaced under keep-alive load: every query answered', async () => {
  sandbox = await startSandbox();
  const drainMs = loadConfig({}).shutdownDrainMs;
  const start = (port: number): Promise<GatewayProcess> =>
    startGatewayProcess({
      SWR_ENDPOINT: sandbox.url,
      PORT: String(port),
      SHUTDOWN_DRAIN_MS: String(drainMs),
    });
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const names = ports.map((_, i) => `replica${i}`);
  for (const port of ports) replicas.push(await start(port));
  balancer = await startBalancer(
    await freePort(),
    new Map(names.map((n, i) => [n, ports[i] ?? 0])),
  );
  const lb = balancer;
  const stateOf = async (name: string): Promise<string | undefined> =>
    (await lb.states()).get(name);
  for (const name of names) await until(async () => (await stateOf(name)) === 'UP');

  const load = startLoad(lb.port);
  const exits: (number | null)[] = [];
  let drainOutlastedDetection = true;
  for (let i = 0; i < REPLICAS; i++) {
    const old = replicas[i] as GatewayProcess;
    const name = names[i] as string;
    const exited = new Promise<number | null>((resolve) => old.child.once('exit', resolve));
    old.child.kill('SIGTERM');
    await until(async () => (await stateOf(name)) === 'DOWN');
    // HAProxy took the replica out while it still accepted: the drain outlasted detection.
    if (old.output().includes('closing: refusing new connections')) drainOutlastedDetection = false;
    exits.push(await exited);
    replicas[i] = await start(ports[i] as number);
    await until(async () => (await stateOf(name)) === 'UP');
  }
  await until(() => load.answered + load.wrong >= MIN_QUERIES);
  await load.stop();

  const summary = {
    answered: load.answered,
    wrong: load.wrong,
    errors: Object.fromEntries(load.errors),
    restarts: exits.length,
    exits,
    servedByReplacements: replicas.map(served),
  };
  process.stdout.write(`rolling restart: ${JSON.stringify(summary)}\n`);
  expect(drainOutlastedDetection).toBe(true);
  expect(summary.errors).toEqual({});
  expect(summary.wrong).toBe(0);
  expect(summary.answered).toBeGreaterThanOrEqual(MIN_QUERIES);
  expect(summary.exits).toEqual([0, 0, 0]);
  // Kept-alive connections stay on their replica: a replacement gets the clients that a later
  // replica's drain sends away (the last one gets only new connections, and there are none).
  for (const count of summary.servedByReplacements.slice(0, -1)) {
    expect(count).toBeGreaterThan(0);
  }
}, 300_000);
