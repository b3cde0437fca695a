import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Debian's HAProxy as the TCP load balancer in front of the replicas, routing by each one's
 * `/ready` as kube-proxy does by readiness probes: TCP mode (a client's connection is one
 * connection to one replica), a check every 500 ms, three failed checks take a replica out and
 * two passed ones bring it back, no retry and no redispatch (a refused or reset connection
 * reaches the client). Its state is read from its stats socket.
 */

export const CHECK_INTERVAL_MS = 500;
export const FALL = 3;
export const RISE = 2;

export interface Balancer {
  port: number;
  /** Each replica's state as HAProxy sees it: `UP`, `DOWN`, `UP 1/3` (going down), ... */
  states(): Promise<Map<string, string>>;
  stop(): Promise<void>;
}

function config(port: number, socket: string, replicas: Map<string, number>): string {
  const servers = [...replicas].map(
    ([name, replicaPort]) => `  server ${name} 127.0.0.1:${replicaPort} check`,
  );
  return [
    'global',
    `  stats socket ${socket} mode 600 level admin`,
    '  maxconn 4096',
    'defaults',
    '  mode tcp',
    '  retries 0',
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    'frontend gateway',
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /ready',
    '  http-check expect status 200',
    `  default-server inter ${CHECK_INTERVAL_MS} fall ${FALL} rise ${RISE}`,
    ...servers,
    '',
  ].join('\n');
}

/** One command on the stats socket; its whole answer. */
function ask(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = connect(socket);
    let answer = '';
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => (answer += chunk));
    client.on('end', () => {
      resolve(answer);
    });
    client.on('error', reject);
    client.end(`${command}\n`);
  });
}

/** The `status` column of `show stat` for each server of the backend. */
function parseStates(csv: string): Map<string, string> {
  const [header = '', ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const [proxy, name, status] = ['pxname', 'svname', 'status'].map((c) => columns.indexOf(c));
  const states = new Map<string, string>();
  for (const row of rows) {
    const cells = row.split(',');
    const server = cells[name as number];
    if (cells[proxy as number] !== 'replicas' || server === 'BACKEND' || server === undefined) {
      continue;
    }
    states.set(server, cells[status as number] ?? '');
  }
  return states;
}

export async function startBalancer(
  port: number,
  replicas: Map<string, number>,
): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), 'haproxy-'));
  const socket = join(dir, 'admin.sock');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config(port, socket, replicas));
  // -db: in the foreground, logs to stderr; -W: master-worker is not needed.
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const states = async (): Promise<Map<string, string>> =>
    parseStates(await ask(socket, 'show stat'));
  // Started once its stats socket answers.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy did not start:\n${output}`);
    try {
      await states();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    port,
    states,
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
