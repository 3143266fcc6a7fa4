/**
 * `npm run bench:cluster` (issue 17.8): signaling load on the local cluster
 * (two server processes, two Janus nodes, Redis, a throwaway PostgreSQL).
 * PARTICIPANTS receive-only clients (bench/cluster-client.ts: no WebRTC) join
 * SESSIONS sessions at JOIN_RATE joins/s, spread over both processes — each
 * session's first joiner alternates between them and so do its later ones, so
 * half the clients are relayed to their session's owner — then for
 * CHURN_SECONDS, CHURN_RATE times a second one participant leaves and a new
 * one joins the same session on either process.
 *
 * Reports join latency (the `join` request, send → response) p50/p99 for both
 * phases, the errors by code (must be none), the server processes' and the
 * Janus nodes' RSS per participant (growth over the joins), and Redis commands
 * per join (INFO commandstats over the joins, less what the idle cluster sends
 * meanwhile: lease renewals, node load, sweeps).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startLocalCluster } from '@parley/server/testing/local-cluster';
import { createTestDatabase } from '@parley/server/testing/test-store';
import { signCallToken } from '@parley/server/tokens';
import { Redis } from 'ioredis';
import { type Answer, BenchSignalingClient } from './cluster-client.ts';
import { rssMbOf } from './forwarding-math.ts';
import { percentile } from './join-report.ts';

const PARTICIPANTS = Number(process.env.PARTICIPANTS ?? 1_000);
const SESSIONS = Number(process.env.SESSIONS ?? 200);
const JOIN_RATE = Number(process.env.JOIN_RATE ?? 50);
const CHURN_SECONDS = Number(process.env.CHURN_SECONDS ?? 60);
const CHURN_RATE = Number(process.env.CHURN_RATE ?? 10);
/** Idle seconds measured for Redis's background traffic. */
const IDLE_SECONDS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secret = randomBytes(32).toString('base64url');
const secretBytes = new TextEncoder().encode(secret);

interface Member {
  client: BenchSignalingClient;
  sessionId: string;
}

async function redisCommands(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1] as string, Number(m[2]));
  return calls;
}

function delta(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  return new Map([...after].map(([cmd, n]) => [cmd, n - (before.get(cmd) ?? 0)]));
}

const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

function rssMb(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + rssMbOf(readFileSync(`/proc/${pid}/status`, 'utf8')), 0);
}

/** The process listening at a URL's port (the Janus nodes: their pids are not handed out). */
function pidAt(url: string): number {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${new URL(url).port}`], { encoding: 'utf8' });
  return Number(/pid=(\d+)/.exec(out)?.[1]);
}

const fmt = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(0));

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const cluster = await startLocalCluster({
    databaseUrl: database.url,
    env: { PARLEY_TOKEN_SECRET: secret, LOG_LEVEL: 'warn' },
  });
  const redis = new Redis(cluster.redis.url);
  const servers = cluster.servers.map((s) => s.url);
  const serverPids = cluster.servers.map((s) => s.proc.pid as number);
  const janusPids = cluster.janusUrls.map(pidAt);
  const members: Member[] = [];
  const errors = new Map<string, number>();
  const noteError = (a: Answer) => {
    if (!a.ok) errors.set(a.code ?? '?', (errors.get(a.code ?? '?') ?? 0) + 1);
  };
  let nextUid = 0;

  async function join(sessionId: string, server: string, latencies: number[]): Promise<void> {
    const uid = `u${nextUid++}`;
    try {
      const { token } = await signCallToken(secretBytes, 3_600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
      const client = await BenchSignalingClient.open(server);
      const answer = await client.request('join', { token, sessionId });
      noteError(answer);
      if (!answer.ok) return client.close();
      latencies.push(answer.ms);
      members.push({ client, sessionId });
    } catch (error) {
      noteError({ ok: false, ms: 0, code: (error as Error).message.slice(0, 60) });
    }
  }

  /** `count` calls of `step`, `rate` a second, not waiting for one to end before the next starts. */
  async function paced(count: number, rate: number, step: (i: number) => Promise<void>): Promise<number> {
    const startedAt = performance.now();
    const running: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = startedAt + (i * 1_000) / rate;
      if (due > performance.now()) await sleep(due - performance.now());
      running.push(step(i));
    }
    await Promise.all(running);
    return (performance.now() - startedAt) / 1_000;
  }

  try {
    const idleBefore = await redisCommands(redis);
    await sleep(IDLE_SECONDS * 1_000);
    const idlePerSecond = total(delta(await redisCommands(redis), idleBefore)) / IDLE_SECONDS;
    const rssBefore = { servers: rssMb(serverPids), janus: rssMb(janusPids) };

    console.log(`joining ${PARTICIPANTS} participants in ${SESSIONS} sessions at ${JOIN_RATE}/s over ${servers.length} processes`);
    const joinLatencies: number[] = [];
    const commandsBefore = await redisCommands(redis);
    const joinSeconds = await paced(PARTICIPANTS, JOIN_RATE, (i) => {
      const round = Math.floor(i / SESSIONS);
      return join(`bench-${i % SESSIONS}`, servers[(i + round) % servers.length] as string, joinLatencies);
    });
    const joinCommands = delta(await redisCommands(redis), commandsBefore);
    await sleep(2_000); // the last node load reposts and renewals settle
    const rssAfter = { servers: rssMb(serverPids), janus: rssMb(janusPids) };
    const joined = members.length;

    console.log(`churn: ${CHURN_RATE} leaves and joins a second for ${CHURN_SECONDS} s`);
    const churnLatencies: number[] = [];
    await paced(CHURN_SECONDS * CHURN_RATE, CHURN_RATE, async () => {
      const leaving = members.splice(Math.floor(Math.random() * members.length), 1)[0];
      if (!leaving) return;
      noteError(await leaving.client.request('leave', {}));
      leaving.client.close();
      await join(leaving.sessionId, servers[Math.floor(Math.random() * servers.length)] as string, churnLatencies);
    });

    const backgroundDuringJoins = idlePerSecond * joinSeconds;
    const perJoin = (total(joinCommands) - backgroundDuringJoins) / Math.max(joined, 1);
    const top = [...joinCommands].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`
| measure | value |
| --- | --- |
| participants joined / asked | ${joined} / ${PARTICIPANTS} in ${SESSIONS} sessions, ${joinSeconds.toFixed(1)} s (asked ${JOIN_RATE}/s) |
| join latency p50 / p99 / max | ${fmt(percentile(joinLatencies, 50))} / ${fmt(percentile(joinLatencies, 99))} / ${fmt(Math.max(...joinLatencies))} ms |
| churn join latency p50 / p99 (${churnLatencies.length} joins) | ${fmt(percentile(churnLatencies, 50))} / ${fmt(percentile(churnLatencies, 99))} ms |
| server RSS (2 processes) before → after joins | ${rssBefore.servers.toFixed(0)} → ${rssAfter.servers.toFixed(0)} MB: ${(((rssAfter.servers - rssBefore.servers) * 1024) / Math.max(joined, 1)).toFixed(0)} kB per participant |
| Janus RSS (2 nodes) before → after joins | ${rssBefore.janus.toFixed(0)} → ${rssAfter.janus.toFixed(0)} MB: ${(((rssAfter.janus - rssBefore.janus) * 1024) / Math.max(joined, 1)).toFixed(0)} kB per participant |
| Redis commands per join | ${perJoin.toFixed(1)} (${total(joinCommands)} during the joins, less ${backgroundDuringJoins.toFixed(0)} background at ${idlePerSecond.toFixed(1)}/s idle) |
| Redis commands during the joins, most | ${top.map(([c, n]) => `${c} ${n}`).join(', ')} |
| errors | ${errors.size === 0 ? 'none' : [...errors].map(([c, n]) => `${c} × ${n}`).join(', ')} |`);
    process.exitCode = errors.size === 0 ? 0 : 1;
  } finally {
    for (const m of members) m.client.close();
    redis.disconnect();
    await cluster.stop();
    await database.drop();
  }
}

await main();
