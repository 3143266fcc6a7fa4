/**
 * Forwarding cost of Parley's Janus: one publisher (VP8 + Opus RTP from a
 * clip) and N headless werift subscribers joined through Parley's real
 * signaling; Janus CPU (user + sys from /proc) over a steady window, divided
 * by the RTP packets Janus sent the subscribers in it (counted from their
 * sequence numbers, so packets a busy subscriber dropped count too). Run with
 * `npm run bench:forwarding` (inside the private network namespace).
 *
 * - Default: N = 2, 8, 15, 32 (FORWARDING_NS) on the generated Janus config.
 *   A call holds 16 people at most, so N = 32 is three calls (1 publisher +
 *   10 or 11 subscribers each) on the same Janus.
 * - `FORWARDING_AB=<variant>[,<variant>…]`: the generated config against the
 *   same with each variant's settings (VARIANTS below), at FORWARDING_NS
 *   (default 15), FORWARDING_ROUNDS rounds (default 3), the order of the
 *   configs reversed every other round. All the Janus processes run side by
 *   side, each the only JANUS_URLS node of its own server.
 *
 * Prints markdown tables for docs/benchmarks.md (the forwarding section).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ServerProcess, startServerProcess } from '@parley/server/testing/server-process';
import { type BenchJanus, startBenchJanus } from './forwarding-janus.ts';
import { cpuSecondsOf, forwardingCost, type JcfgSettings, rssMbOf } from './forwarding-math.ts';
import { type Publisher, publish, type Subscriber, subscribe } from './forwarding-peers.ts';
import { type MediaKind, startRtpSource } from './forwarding-source.ts';

/** Setting sets tried against the generated config (values as jcfg text). */
const VARIANTS: Record<string, JcfgSettings> = {
  // Janus's own default, as Parley had it before: a thread per handle.
  'event_loops=0': { general: { event_loops: '0' } },
  'event_loops=1': { general: { event_loops: '1' } },
  'debug_level=3': { general: { debug_level: '3' } },
  'nack_optimizations': { media: { nack_optimizations: 'true' } },
  'no_media_timer=0': { media: { no_media_timer: '0' } },
  'twcc_period=500': { media: { twcc_period: '500' } },
  'min_nack_queue=100': { media: { min_nack_queue: '100' } },
  'slowlink_threshold=0': { media: { slowlink_threshold: '0' } },
  'ice_lite': { nat: { ice_lite: 'true' } },
};

const WARMUP_MS = Number(process.env.FORWARDING_WARMUP_MS ?? 3_000);
const WINDOW_MS = Number(process.env.FORWARDING_WINDOW_MS ?? 15_000);
const JOIN_BATCH = 8;
const MEDIA_TIMEOUT_MS = 20_000;

const proc = (pid: number, file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8');
const cpuOf = (pid: number) => cpuSecondsOf(proc(pid, 'stat'));
const rssOf = (pid: number) => rssMbOf(proc(pid, 'status'));
/** UDP datagrams this namespace's sockets dropped for want of buffer room (Udp RcvbufErrors in /proc/net/snmp). */
function udpDrops(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.split(/\s+/));
  return Number(values?.[names?.indexOf('RcvbufErrors') ?? -1] ?? 0);
}
const sum = (subs: Subscriber[], kind?: MediaKind) =>
  subs.reduce((n, s) => n + (kind ? s.received[kind] : s.received.audio + s.received.video), 0);
const forwarded = (subs: Subscriber[]) => subs.reduce((n, s) => n + s.sent(), 0);

interface Trial {
  n: number;
  config: string;
  janusCpuShare: number;
  packetsPerSecond: number;
  cpuSecondsPer1000: number;
  packetsPerCoreSecond: number;
  /** Received ÷ (published × N) in the window: below 100 %, the subscribers' process fell behind. */
  delivered: number;
  videoShare: number;
  udpDrops: number;
  serverMbPerParticipant: number;
  janusMbPerParticipant: number;
}

/** Parley's cap on people in one session (DEFAULTS.maxParticipantsPerSession): 1 publisher + 15 subscribers per call. */
const SUBSCRIBERS_PER_CALL = 15;

/**
 * N subscribers of one publisher each, in as few calls as Parley's session cap
 * allows (N = 32: three calls of 11, 11 and 10, each with its own publisher,
 * all fed the same clip).
 */
async function trial(server: ServerProcess, janus: BenchJanus, n: number, config: string): Promise<Trial> {
  const serverUrl = server.url;
  const serverPid = server.proc.pid as number;
  const calls = Math.ceil(n / SUBSCRIBERS_PER_CALL);
  const before = { server: rssOf(serverPid), janus: rssOf(janus.pid) };
  const publishers: Publisher[] = [];
  const subs: Subscriber[] = [];
  const source = await startRtpSource((kind, packet) => {
    for (const p of publishers) p.send(kind, packet);
  });
  try {
    for (let c = 0; c < calls; c++) {
      const sessionId = `fwd-${n}-${c}-${randomBytes(4).toString('hex')}`;
      publishers.push(await publish(serverUrl, sessionId, `${sessionId}-pub`));
      const mine = Math.floor(n / calls) + (c < n % calls ? 1 : 0);
      for (let i = 0; i < mine; i += JOIN_BATCH) {
        const batch = Array.from({ length: Math.min(JOIN_BATCH, mine - i) }, (_, k) => subscribe(serverUrl, sessionId, `${sessionId}-sub${i + k}`));
        subs.push(...(await Promise.all(batch)));
      }
    }
    const deadline = Date.now() + MEDIA_TIMEOUT_MS;
    while (subs.some((s) => s.received.video === 0 || s.received.audio === 0)) {
      if (Date.now() > deadline) throw new Error(`${subs.filter((s) => !s.received.video).length} of ${n} subscribers got no video`);
      await sleep(100);
    }
    await sleep(WARMUP_MS);
    const sent = () => publishers.reduce((k, p) => k + p.sent.audio + p.sent.video, 0);
    const snapshot = () => ({ cpu: cpuOf(janus.pid), forwarded: forwarded(subs), received: sum(subs), video: sum(subs, 'video'), sent: sent(), drops: udpDrops(), at: performance.now() });
    const start = snapshot();
    await sleep(WINDOW_MS);
    const end = snapshot();
    const after = { server: rssOf(serverPid), janus: rssOf(janus.pid) };
    const seconds = (end.at - start.at) / 1000;
    const cpu = end.cpu - start.cpu;
    // What Janus sent, from the subscribers' sequence numbers: a subscriber too busy to read every packet does not lower it.
    const packets = end.forwarded - start.forwarded;
    const received = end.received - start.received;
    return {
      n,
      config,
      janusCpuShare: cpu / seconds,
      packetsPerSecond: packets / seconds,
      ...forwardingCost(cpu, packets),
      // Each publisher's packets go to its own call's subscribers: n / calls of them on average.
      delivered: received / (((end.sent - start.sent) / calls) * n),
      videoShare: (end.video - start.video) / received,
      udpDrops: end.drops - start.drops,
      serverMbPerParticipant: (after.server - before.server) / (n + calls),
      janusMbPerParticipant: (after.janus - before.janus) / (n + calls),
    };
  } finally {
    await source.stop();
    await Promise.all([...publishers, ...subs].map((p) => p.leave()));
  }
}

const fixed = (x: number, digits: number) => x.toFixed(digits);
const thousands = (x: number) => Math.round(x).toLocaleString('en-US');
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

function table(trials: Trial[]): string {
  const head = '| config | N | Janus CPU (share of a core) | forwarded packets/s | Janus CPU s per 1,000 packets | packets/s per core | delivered | video share | UDP drops | server RSS MB per participant | Janus RSS MB per participant |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = trials.map(
    (t) =>
      `| ${t.config} | ${t.n} | ${percent(t.janusCpuShare)} | ${thousands(t.packetsPerSecond)} | ${fixed(t.cpuSecondsPer1000, 4)} | **${thousands(t.packetsPerCoreSecond)}** | ${percent(t.delivered)} | ${percent(t.videoShare)} | ${t.udpDrops} | ${fixed(t.serverMbPerParticipant, 2)} | ${fixed(t.janusMbPerParticipant, 2)} |`,
  );
  return [head, ...rows].join('\n');
}

const variantNames = process.env.FORWARDING_AB?.split(',') ?? [];
for (const name of variantNames) if (!VARIANTS[name]) throw new Error(`FORWARDING_AB=${name}: not one of ${Object.keys(VARIANTS).join(', ')}`);
const ab = variantNames.length > 0;
const ns = (process.env.FORWARDING_NS ?? (ab ? '15' : '2,8,15,32')).split(',').map(Number);
const rounds = ab ? Number(process.env.FORWARDING_ROUNDS ?? 3) : 1;

const adminKey = randomBytes(24).toString('base64url');
const configs: Array<{ name: string; settings: JcfgSettings }> = [
  { name: 'generated', settings: {} },
  ...variantNames.map((name) => ({ name: `+ ${name}`, settings: VARIANTS[name] as JcfgSettings })),
];
const januses: BenchJanus[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-forwarding-'));
const load = [loadavg()[0]];
try {
  for (const c of configs) januses.push(await startBenchJanus(adminKey, c.settings));
  // One server per Janus (its only JANUS_URLS node), so each trial's rooms are on the Janus under test
  // whatever the server's placement policy; the idle ones wait beside it.
  const servers: ServerProcess[] = [];
  const trials: Trial[] = [];
  try {
    for (const [i, janus] of januses.entries()) {
      servers.push(
        await startServerProcess({
          HOST: '127.0.0.1',
          DATA_DIR: join(dataDir, `server-${i}`),
          LOG_LEVEL: 'warn',
          JANUS_URLS: janus.url,
          JANUS_ADMIN_KEY: adminKey,
        }),
      );
    }
    for (let round = 0; round < rounds; round++) {
      for (const n of ns) {
        // A/B: the order of the configs reverses every other round.
        const order = configs.map((_, i) => i);
        if (round % 2 === 1) order.reverse();
        for (const i of order) {
          const t = await trial(servers[i] as ServerProcess, januses[i] as BenchJanus, n, configs[i]?.name ?? '');
          trials.push(t);
          console.log(table([t]).split('\n')[2]);
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  }
  load.push(loadavg()[0]);
  console.log(`\nJanus ${januses.length > 1 ? 'configs' : 'config'}: ${configs.map((c) => c.name).join(' vs ')}; window ${WINDOW_MS / 1000} s after ${WARMUP_MS / 1000} s of warm-up; load average ${load.map((l) => l?.toFixed(1)).join(' → ')} on 2 cores\n`);
  console.log(table(trials));
  if (ab) {
    for (const c of configs) {
      const rates = trials.filter((t) => t.config === c.name).map((t) => t.packetsPerCoreSecond);
      const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
      console.log(`${c.name}: mean ${thousands(mean)} packets/s per core (${thousands(Math.min(...rates))}–${thousands(Math.max(...rates))}) over ${rates.length} runs`);
    }
  }
} finally {
  await Promise.all(januses.map((j) => j.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}
// werift leaves timers behind after its peer connections close.
process.exit(0);
