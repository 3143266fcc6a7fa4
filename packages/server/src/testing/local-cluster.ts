/**
 * A cluster on loopback (issue 17.6): Redis, two Janus nodes, server processes
 * sharing them (REDIS_URL, JANUS_URLS, one API key and token secret) and
 * haproxy in front on one port — WebSocket-aware, each process checked on
 * /readyz, connections spread round robin (any process takes any client: the
 * relay). `npm run cluster` (scripts/local-cluster.ts) runs it for
 * development, the cluster e2e tests for theirs. Each process logs to a file
 * in the cluster's temp dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JanusProcess } from '../media/janus-process.ts';
import { findExecutable } from '../util/supervised-process.ts';
import { startTestRedis, type TestRedis } from './redis-server.ts';
import { freePort, type ServerProcess, startServerProcess } from './server-process.ts';

export interface LocalClusterOptions {
  databaseUrl: string;
  /** haproxy's port; a free one by default. */
  port?: number;
  /** Server processes (2 by default). */
  processes?: number;
  /** More environment for every server process (LOG_LEVEL, PARLEY_RECONNECT_GRACE_MS…). */
  env?: Record<string, string>;
  /** Keep the logs dir after `stop` (the script prints where it is). */
  keepLogs?: boolean;
}

export interface LocalCluster {
  /** haproxy, in front of every process. */
  readonly url: string;
  /** Each process, by itself. */
  readonly servers: readonly ServerProcess[];
  readonly apiKey: string;
  readonly redis: TestRedis;
  readonly janusUrls: readonly string[];
  /** Where `server-<n>.log` are. */
  readonly dir: string;
  /** Stops everything (servers first); idempotent. */
  stop(): Promise<void>;
}

export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
  const stops: (() => Promise<unknown> | unknown)[] = opts.keepLogs ? [] : [() => rmSync(dir, { recursive: true, force: true })];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const s of stops.reverse()) await Promise.resolve(s()).catch((error: unknown) => console.error('cluster: stopping:', error));
    })();
    return stopping;
  };
  try {
    const redis = await startTestRedis();
    stops.push(() => redis.stop());
    const janusAdminKey = randomBytes(18).toString('base64url');
    const nodes = Array.from({ length: 2 }, () => new JanusProcess({ adminKey: janusAdminKey, mediaInterface: process.env.PARLEY_MEDIA_INTERFACE }));
    stops.push(() => Promise.all(nodes.map((n) => n.stop())));
    await Promise.all(nodes.map((n) => n.start()));

    const apiKey = randomBytes(24).toString('base64url');
    const shared = {
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: redis.url,
      JANUS_URLS: nodes.map((n) => n.url).join(','),
      JANUS_ADMIN_KEY: janusAdminKey,
      PARLEY_API_KEY: apiKey,
      PARLEY_TOKEN_SECRET: randomBytes(32).toString('base64url'),
      HOST: '127.0.0.1',
      PARLEY_TURN: 'off',
      PARLEY_DRAIN_SECONDS: '0',
      ...opts.env,
    };
    const servers: ServerProcess[] = [];
    stops.push(() => Promise.all(servers.map((s) => s.kill('SIGTERM'))));
    // One after the other: the first applies the migrations (the second would wait on their lock anyway).
    for (let i = 1; i <= (opts.processes ?? 2); i++) {
      const server = await startServerProcess({ ...shared, DATA_DIR: join(dir, `server-${i}`), PORT: String(await freePort()) });
      const log = createWriteStream(join(dir, `server-${i}.log`));
      server.proc.stdout?.pipe(log);
      server.proc.stderr?.pipe(log);
      servers.push(server);
    }

    const port = opts.port ?? (await freePort());
    const haproxy = await startHaproxy(dir, port, servers.map((s) => new URL(s.url).port));
    stops.push(() => stopChild(haproxy));
    await untilReady(`http://127.0.0.1:${port}/readyz`);
    return { url: `http://127.0.0.1:${port}`, servers, apiKey, redis, janusUrls: nodes.map((n) => n.url), dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startHaproxy(dir: string, port: number, serverPorts: string[]): Promise<ChildProcess> {
  const haproxy = await findExecutable('haproxy');
  if (!haproxy) throw new Error('haproxy is not installed (bash scripts/setup.sh test installs it)');
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  # An open WebSocket: the server's heartbeat keeps it busy.
  timeout tunnel 1h

frontend parley
  bind 127.0.0.1:${port}
  default_backend processes

backend processes
  # Any process takes any client: a session's other clients are relayed to its owner.
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
${serverPorts.map((p, i) => `  server p${i + 1} 127.0.0.1:${p} check inter 1s fall 2 rise 2`).join('\n')}
`,
  );
  const child = spawn(haproxy, ['-db', '-f', config], { stdio: ['ignore', 'inherit', 'inherit'] });
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(ok, 500); // haproxy refuses a bad config or a taken port at once
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`haproxy exited ${code}`));
    });
  });
  return child;
}

/** haproxy answers once its first checks found a process up (`rise 2`: about 2 s). */
async function untilReady(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await fetch(url).then((r) => r.status).catch(() => 0)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the load balancer did not answer at ${url}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}
