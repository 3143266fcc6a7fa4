/**
 * The local cluster behind `npm run cluster` (scripts/cluster.sh gives it
 * DATABASE_URL): Redis, two Janus nodes, two server processes sharing them
 * (REDIS_URL, JANUS_URLS, one API key and token secret), and haproxy in front
 * on one port — WebSocket-aware, each process checked on /readyz, a client
 * kept on one process by its address (a session's clients must reach the
 * process that owns it until the relay between processes is built:
 * docs/operations.md, "A local cluster"). Prints the URL; stops everything on
 * SIGINT/SIGTERM. Logs go to files in the cluster's temp dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JanusProcess } from '../packages/server/src/media/janus-process.ts';
import { startTestRedis } from '../packages/server/src/testing/redis-server.ts';
import { freePort, type ServerProcess, startServerProcess } from '../packages/server/src/testing/server-process.ts';
import { findExecutable } from '../packages/server/src/util/supervised-process.ts';

const PROCESSES = 2;
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('local-cluster: DATABASE_URL is not set (run it through `npm run cluster`)');
const port = Number(process.env.PORT ?? 8080);
const dir = mkdtempSync(join(tmpdir(), 'parley-cluster-'));
const stops: (() => Promise<unknown> | unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];

let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch((error: unknown) => console.error('cluster: stopping:', error));
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`\n${signal}: stopping the cluster`);
    void stop().then(() => process.exit(0));
  });
}

try {
  const redis = await startTestRedis();
  stops.push(() => redis.stop());
  const janusAdminKey = randomBytes(18).toString('base64url');
  const nodes = Array.from({ length: 2 }, () => new JanusProcess({ adminKey: janusAdminKey, mediaInterface: process.env.PARLEY_MEDIA_INTERFACE }));
  stops.push(() => Promise.all(nodes.map((n) => n.stop())));
  await Promise.all(nodes.map((n) => n.start()));

  const apiKey = randomBytes(24).toString('base64url');
  const shared = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    JANUS_URLS: nodes.map((n) => n.url).join(','),
    JANUS_ADMIN_KEY: janusAdminKey,
    PARLEY_API_KEY: apiKey,
    PARLEY_TOKEN_SECRET: randomBytes(32).toString('base64url'),
    HOST: '127.0.0.1',
    PARLEY_TURN: 'off',
    PARLEY_DRAIN_SECONDS: '0',
  };
  const servers: ServerProcess[] = [];
  stops.push(() => Promise.all(servers.map((s) => s.kill('SIGTERM'))));
  // One after the other: the first applies the migrations (the second would wait on their lock anyway).
  for (let i = 1; i <= PROCESSES; i++) {
    const server = await startServerProcess({ ...shared, DATA_DIR: join(dir, `server-${i}`), PORT: String(await freePort()) });
    const log = createWriteStream(join(dir, `server-${i}.log`));
    server.proc.stdout?.pipe(log);
    server.proc.stderr?.pipe(log);
    servers.push(server);
  }

  const haproxy = await startHaproxy(servers.map((s) => new URL(s.url).port));
  stops.push(() => stopChild(haproxy));

  console.log(`
Parley cluster: ${PROCESSES} server processes, 2 Janus nodes, Redis, PostgreSQL, haproxy
  open        http://localhost:${port}
  API key     ${apiKey}
  processes   ${servers.map((s) => s.url).join('  ')}
  Janus       ${shared.JANUS_URLS}
  Redis       ${redis.url}
  logs        ${dir}/server-*.log
Ctrl-C stops everything.`);
} catch (error) {
  console.error('cluster: could not start:', error);
  await stop();
  process.exit(1);
}

async function startHaproxy(serverPorts: string[]): Promise<ChildProcess> {
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
  # One client stays on one process (by its address): a session's clients must reach its owner for now.
  balance source
  hash-type consistent
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

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}
