/**
 * Losing a server process or a Janus node mid-call, end to end on the local
 * cluster (two processes, two Janus nodes, Redis, PostgreSQL), in Chromium.
 *
 * - `kill -9` of the process that owns the session, with A's page on it and
 *   B's on the other process (relayed to the owner): both pages resume on the
 *   other process within 10 s (the SDK's default reconnect window) — A's
 *   socket dropped with the owner, B's dropped by its process once the lease
 *   went (cluster/owner-watch.ts), and that process takes the session over
 *   (cluster/session-takeover.ts) — publish and subscribe again, media back,
 *   no leave, join or end, and the call log keeps one unbroken stay each.
 * - `kill -9` of the Janus node carrying the session's room: the owner makes
 *   the room again on the other node, media back within 5 s, nothing seen.
 *
 * A's page reaches the processes through a load balancer of this file's own
 * that sends every connection to the first process answering (haproxy
 * `balance first`, a refused connection redispatched): on the owner while it
 * lives, on the other process once it is gone.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type ServerProcess } from '@parley/server/testing/server-process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalCluster } from './cluster-stack.ts';
import { type CallPage, eventually, events, openCallPage, startCall, stats } from './harness.ts';
import { mediaBackAt, watchMediaBack } from './media-back.ts';

const stack = useLocalCluster();
let balancer: { url: string; stop(): Promise<void> };
const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-process-loss-'));

// After the cluster's own hooks (useLocalCluster): started after it, stopped before it.
beforeAll(async () => {
  balancer = await firstAnswering(stack.cluster.servers);
}, 60_000);
afterAll(async () => {
  await balancer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const NOT_WANTED = ['onUserLeft', 'onUserJoined', 'onCallEnded', 'onSessionTimeout'];

/** haproxy sending every connection to the first process that answers (a refused one goes to the next). */
async function firstAnswering(servers: readonly ServerProcess[]): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    `defaults
  mode http
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  retries 2
  option redispatch 1

frontend parley
  bind 127.0.0.1:${port}
  default_backend processes

backend processes
  balance first
  option httpchk GET /readyz
  http-check expect status 200
${servers.map((s, i) => `  server p${i + 1} 127.0.0.1:${new URL(s.url).port} check inter 500ms fall 2 rise 2`).join('\n')}
`,
  );
  const child: ChildProcess = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await eventually(() => fetch(`${url}/readyz`).then((r) => r.status).catch(() => 0), (s) => s === 200, 10_000, 'the load balancer');
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Ann and Ben in a call, each page's SDK on its own URL (the load balancer, or one process). */
async function twoInACall(sessionId: string, urls: [string, string]): Promise<[CallPage, CallPage]> {
  const calls: CallPage[] = [];
  for (const [i, uid] of ['ann', 'ben'].entries()) {
    const call = await openCallPage({ url: urls[i] as string, browser: stack.browser }, uid, uid.toUpperCase());
    await startCall(call, sessionId);
    calls.push(call);
  }
  for (const c of calls) await eventually(() => stats(c), (x) => x.videoFramesDecoded > 10 && x.audioPacketsReceived > 0, 20_000, `${c.uid}'s media before`);
  return calls as [CallPage, CallPage];
}

/**
 * From now on each page notes when it is joined again (epoch ms): the first
 * answer to a resume on a socket opened from now on. (Its state is
 * `reconnecting` for as little as a few ms: too short to poll for.)
 */
async function watchRejoined(calls: readonly CallPage[]): Promise<void> {
  for (const c of calls) {
    await c.page.evaluate(() => {
      const w = window as any;
      const Native = w.WebSocket;
      w.WebSocket = class extends Native {
        constructor(...args: unknown[]) {
          super(...args);
          this.addEventListener('message', (e: MessageEvent) => {
            const frame = JSON.parse(String(e.data));
            if (frame.type === 'response' && frame.ok && frame.result?.resumeToken && w.__rejoinedAt === undefined) w.__rejoinedAt = Date.now();
          });
        }
      };
    });
  }
}

const rejoinedAt = (c: CallPage) =>
  eventually(() => c.page.evaluate(() => (window as any).__rejoinedAt as number | undefined), (t) => t !== undefined, 30_000, `${c.uid} joined again`) as Promise<number>;

async function countUnwanted(calls: readonly CallPage[]): Promise<number[]> {
  return Promise.all(calls.map(async (c) => (await events(c)).filter((e) => NOT_WANTED.includes(e.name)).length));
}

async function unwantedSince(calls: readonly CallPage[], before: number[]): Promise<unknown[][]> {
  return Promise.all(calls.map(async (c, i) => (await events(c)).filter((e) => NOT_WANTED.includes(e.name)).slice(before[i])));
}

/** Both leave (their session ends at once), and their pages close. */
async function hangUp(calls: readonly CallPage[]): Promise<void> {
  for (const c of calls) {
    await c.page.evaluate(() => (window as any).session.endSession());
    await c.context.close();
  }
}

async function stays(server: ServerProcess, sessionId: string): Promise<unknown[]> {
  const log = await (await fetch(`${server.url}/v1/calls/${sessionId}`, { headers: { authorization: `Bearer ${stack.cluster.apiKey}` } })).json();
  return log.participants.map((p: any) => [p.uid, p.leftAt]);
}

/** The Janus nodes carrying participants now, from the node load every process posts in Redis. */
async function nodesInUse(): Promise<string[]> {
  const redis = new Redis(stack.cluster.redis.url);
  try {
    const keys = await redis.keys('parley:node-load:*');
    const used = new Set<string>();
    for (const key of keys) for (const [node, load] of Object.entries(await redis.hgetall(key))) if (Number(load.split(' ')[0]) > 0) used.add(node);
    return [...used];
  } finally {
    redis.disconnect();
  }
}

/** `kill -9` of the Janus listening at `url` (its supervisor starts it again later). */
function killJanus(url: string): void {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${new URL(url).port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no process listens at ${url}: ${out}`);
  process.kill(Number(pid), 'SIGKILL');
}

describe('the process owning a two-person call is killed (-9)', () => {
  it("both pages resume on the other process within 10 s — the owner's own client and the one relayed to it — media back, no leave seen, one stay each", async () => {
    const [owner, other] = stack.cluster.servers as readonly [ServerProcess, ServerProcess];
    // Ann through the load balancer, on the owner; Ben on the other process, relayed to the owner.
    const calls = await twoInACall('process-loss-1', [balancer.url, other.url]);
    const before = await countUnwanted(calls);
    await watchMediaBack(calls);
    await watchRejoined(calls);

    const killedAt = Date.now();
    await owner.kill('SIGKILL');
    const rejoined = await Promise.all(calls.map(rejoinedAt));
    const back = await Promise.all(calls.map((c) => mediaBackAt(c)));
    for (const [i, c] of calls.entries()) {
      console.log(`${c.uid}: joined again ${(rejoined[i] as number) - killedAt} ms, media back ${(back[i] as number) - killedAt} ms after the kill`);
    }
    expect(Math.max(...rejoined) - killedAt).toBeLessThan(10_000);

    expect(await unwantedSince(calls, before)).toEqual([[], []]);
    for (const c of calls) expect(await c.page.evaluate(() => (window as any).session.state)).toBe('joined');
    for (const c of calls) {
      const before = await stats(c);
      await eventually(() => stats(c), (s) => s.videoFramesDecoded > before.videoFramesDecoded + 10 && s.audioPacketsReceived > before.audioPacketsReceived, 10_000, `${c.uid}'s frames rising`);
    }
    expect(await stays(other, 'process-loss-1')).toEqual([
      ['ann', null],
      ['ben', null],
    ]);
    await hangUp(calls);
  }, 120_000);
});

describe('the Janus node carrying a call is killed (-9)', () => {
  it('the room is made again on the other node: media back within 5 s, no leave seen', async () => {
    await eventually(nodesInUse, (n) => n.length === 0, 15_000, 'no call on any node');
    const calls = await twoInACall('node-loss-1', [balancer.url, balancer.url]);
    const before = await countUnwanted(calls);
    const used = await eventually(nodesInUse, (n) => n.length === 1, 10_000, 'the node the call is on');
    const node = used[0] as string;
    await watchMediaBack(calls);

    const killedAt = Date.now();
    killJanus(node);
    const back = await Promise.all(calls.map((c) => mediaBackAt(c)));
    for (const [i, c] of calls.entries()) console.log(`${c.uid}: media back ${(back[i] as number) - killedAt} ms after the node was killed`);
    expect(Math.max(...back) - killedAt).toBeLessThan(5_000);
    expect(await unwantedSince(calls, before)).toEqual([[], []]);
    const now = await eventually(nodesInUse, (n) => n.length === 1 && n[0] !== node, 10_000, 'the call on the other node');
    expect(now).toEqual(stack.cluster.janusUrls.filter((u) => u !== node));
    await hangUp(calls);
  }, 120_000);
});
