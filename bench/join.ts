/**
 * Join benchmark. A guest joins a call whose host is already publishing, N
 * times; each join is timed phase by phase from startSession() (and from the
 * generateToken() before it), measured from outside the SDK
 * (bench/page/join-probe.ts). Alternating with those joins, a bare Janus
 * client with no Parley code (bench/page/bare-janus-client.ts) subscribes to
 * the same host's feed in the same Janus, timed from its subscribe request:
 * the baseline; and a bare client that also opens its devices and publishes
 * at the same moment, as every joining client must (BARE_PUBLISHING=0 leaves
 * it out). Audio-only calls are measured first, then video calls (each with
 * its host alone on the machine), then Janus's CPU with 2, 4 and 6
 * participants in one call (CPU_WINDOW_MS=0 leaves that out); JOIN_KINDS=audio
 * or JOIN_KINDS=video runs one kind only. Run with
 * `npm run bench:join` (inside a private network namespace); prints markdown.
 * SDK_B names other builds of the served SDK (folders laid out as
 * packages/sdk/dist/browser, comma-separated): their joins then take turns
 * with the first's and the bare ones, for an A/B of SDKs on the same machine
 * at the same time. SDK_A names the first build likewise (default: the
 * tree's packages/sdk/dist/browser), so that a run's builds stay put while
 * the tree's is rebuilt. JOIN_STORE=postgres runs the server on the
 * PostgreSQL at TEST_DATABASE_URL (scripts/throwaway-postgres.sh's pg_start)
 * instead of PGlite, whose queries run on the server's own thread.
 * GUEST_VIDEO_MUTED=1 has guests join with their camera off, GUEST_DETACHED=1
 * has them draw the call into an element outside the document: what our own
 * camera and drawing the call cost the join. The host's page watches its
 * video encoder (page/sender-watch.ts), so a video join also shows when the
 * key frame it waits for was asked for and encoded.
 *
 *   JOINS=20 npm run bench:join
 *   SDK_B=/tmp/sdk-b JOINS=16 CPU_WINDOW_MS=0 npm run bench:join
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { startTestServer } from '@parley/server/testing';
import { createPostgresTestStore } from '@parley/server/testing/test-store';
import { type CallPage, launchChromium, openCallPage, PAGE_INIT_SCRIPT, type Stack, startCall, startStack } from '../tests/e2e/harness.ts';
import { pinnedSdk, preparingContexts } from './bench-contexts.ts';
import { type PhaseRow, percentile, phaseTable, ratioLine, type Series, valuesOf } from './join-report.ts';
import { pageScript } from './page-script.ts';
import { DEFAULTS as SDK_DEFAULTS } from '../packages/sdk/src/defaults.ts';
import type { BarePublish, BareTarget } from './page/bare-janus-client.ts';
import type { Marks, Phase } from './page/timeline.ts';

const JOINS = Number(process.env.JOINS ?? 10);
const CPU_WINDOW_MS = Number(process.env.CPU_WINDOW_MS ?? 10_000);
/** Other SDK builds to compare with the first (folders like packages/sdk/dist/browser), joining in turn with it. */
const OTHER_SDKS = process.env.SDK_B?.split(',').filter(Boolean) ?? [];
/** The first build, if not the tree's own. */
const FIRST_SDK = process.env.SDK_A;
/** `postgres`: the server's store on TEST_DATABASE_URL; otherwise PGlite, as the tests and a default install run. */
const ON_POSTGRES = process.env.JOIN_STORE === 'postgres';
/** Guests join with their camera off (`setStartVideoMuted`): what our own camera costs the join. */
const GUEST_VIDEO_MUTED = process.env.GUEST_VIDEO_MUTED === '1';
/** Guests draw their call into an element outside the document: what drawing it costs the join. */
const GUEST_DETACHED = process.env.GUEST_DETACHED === '1';
/** The bare client that publishes too: what a join that sends as well as receives costs without Parley. */
const BARE_PUBLISHING = process.env.BARE_PUBLISHING !== '0';
/** `video` or `audio`: only that kind of call's joins (an A/B of one phase in half the time); both by default. */
const JOIN_KINDS = process.env.JOIN_KINDS ?? 'audio,video';
/** A join that has not shown media by then fails the run. */
const MEDIA_TIMEOUT_MS = 20_000;
/** After each join is torn down, so the next one starts in a quiet call. */
const SETTLE_MS = 500;

const VIDEO_CALL = 'bench-join';
const AUDIO_CALL = 'bench-join-audio';

const PHASES: PhaseRow[] = [
  { phase: 'devices', label: 'devices open (getUserMedia resolved)' },
  { phase: 'socket', label: 'socket open' },
  { phase: 'joinSent', label: '`join` sent' },
  { phase: 'joined', label: '`join` answered' },
  { phase: 'offer', label: 'subscriber offer received' },
  { phase: 'offerApplied', label: 'offer given to the peer connection' },
  { phase: 'answerSet', label: 'our answer set on it' },
  { phase: 'answerSent', label: 'our answer sent' },
  { phase: 'candidateGathered', label: 'our first ICE candidate gathered' },
  { phase: 'candidateSent', label: 'our first ICE candidate sent' },
  { phase: 'publishSent', label: '`publish` sent (our publisher offer)' },
  { phase: 'ice', label: 'subscriber ICE connected' },
  { phase: 'dtls', label: 'subscriber DTLS connected' },
  { phase: 'audio', label: 'first audio packet received' },
  { phase: 'hostPli', label: "the host's encoder gets a key frame request (after our ICE)" },
  { phase: 'hostKeyFrame', label: 'the host encodes a key frame' },
  { phase: 'videoPacket', label: 'first video packet received' },
  { phase: 'videoPli', label: 'first key frame request (PLI) sent, joins that sent one' },
  { phase: 'video', label: 'first video frame decoded' },
  { phase: 'videoReceived', label: "first video frame shown: its last packet received (the frame's own timestamp)" },
  { phase: 'videoDecoded', label: "first video frame shown: decoded (the frame's own timestamps: received + its decoding)" },
  { phase: 'videoShown', label: "first video frame shown: handed to the compositor (the frame's own timestamp)" },
  { phase: 'resolved', label: '(startSession() resolved)' },
];

const [probeScript, bareScript, senderWatchScript] = await Promise.all([
  pageScript('./page/join-probe.ts', 'JoinProbe'),
  pageScript('./page/bare-janus-client.ts', 'BareJanus'),
  pageScript('./page/sender-watch.ts', 'SenderWatch'),
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a join waits for: its first audio packet, and in a video call its first video frame. */
const mediaPhases = (audioOnly: boolean): Phase[] => (audioOnly ? ['audio'] : ['audio', 'video', 'videoShown']);

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * A fresh guest page (its context made by `guests`, so the probe is in place)
 * fetches its call token and joins with the SDK, as the seed does, and leaves
 * again; returns its phase marks since generateToken() (the SDK opens its
 * socket meanwhile, so that is where the join starts), `session` being when
 * startSession() was called.
 */
async function parleyJoin(guests: Stack, sessionId: string, uid: string, audioOnly: boolean): Promise<TimedJoin> {
  const guest = await openCallPage(guests, uid);
  try {
    const wait = mediaPhases(audioOnly);
    return await guest.page.evaluate(
      async ({ authToken, sessionId, audioOnly, wait, timeoutMs, videoMuted, detached }) => {
        const w = window as any;
        const { ParleyCalls, CallSettingsBuilder } = w.Parley;
        const { timeline } = w.JoinProbe;
        const el = document.createElement('div');
        if (!detached) document.body.append(el);
        const settings = new CallSettingsBuilder().setDefaultLayout(false).setIsAudioOnly(audioOnly).setStartVideoMuted(videoMuted).build();
        timeline.start();
        const token = await ParleyCalls.generateToken(authToken, sessionId);
        timeline.mark('session');
        w.session = await ParleyCalls.startSession(token, settings, el);
        timeline.mark('resolved');
        return { marks: await timeline.reached(wait, timeoutMs), startedAt: timeline.startedAt };
      },
      { authToken: guest.authToken, sessionId, audioOnly, wait, timeoutMs: MEDIA_TIMEOUT_MS, videoMuted: GUEST_VIDEO_MUTED, detached: GUEST_DETACHED },
    );
  } finally {
    await guest.page.evaluate(() => (window as any).session?.endSession()).catch(() => undefined);
    await guest.context.close();
  }
}

/** One join's marks, and its time zero on the wall clock. */
interface TimedJoin {
  marks: Marks;
  startedAt: number;
}

/**
 * Adds to a video join's marks when the host's encoder got the key frame request that followed the
 * joiner's connection, and when it encoded that key frame (the host's page watches its senders).
 */
async function withHostKeyFrame(host: CallPage, { marks, startedAt }: TimedJoin, audioOnly: boolean): Promise<Marks> {
  if (audioOnly || marks.dtls === undefined) return marks;
  // From just before the joiner's ICE: the request that counts follows its connection (Janus asks once its DTLS is up).
  const seen = await host.page.evaluate((since) => (window as any).SenderWatch.firstAfter(since), startedAt + (marks.ice ?? marks.dtls) - 20);
  return {
    ...marks,
    ...(seen.pli === undefined ? {} : { hostPli: seen.pli - startedAt }),
    ...(seen.keyFrame === undefined ? {} : { hostKeyFrame: seen.keyFrame - startedAt }),
  };
}

/**
 * A fresh page with no Parley code subscribes to the host's feed in Janus directly (and with `publish`
 * publishes its own devices at the same moment); returns its marks since the subscribe request.
 */
async function bareJoin(stack: Stack, target: BareTarget, audioOnly: boolean, publish?: BarePublish): Promise<TimedJoin> {
  // This page talks to Janus's WebSocket directly, which the server's content security policy
  // (rightly) refuses: the bench's own page goes without it.
  const context = await stack.browser.newContext({ permissions: ['camera', 'microphone'], bypassCSP: true });
  try {
    await context.addInitScript(PAGE_INIT_SCRIPT);
    const page = await context.newPage();
    await page.goto(`${stack.url}/blank.html`);
    await page.addScriptTag({ content: bareScript });
    const wait = mediaPhases(audioOnly);
    return await page.evaluate(
      async ({ target, publish, wait, timeoutMs }) => {
        const bare = (window as any).BareJanus;
        const subscription = await bare.subscribe(target, publish);
        try {
          return { marks: await bare.timeline.reached(wait, timeoutMs), startedAt: bare.timeline.startedAt };
        } finally {
          await subscription.close();
        }
      },
      { target, publish, wait, timeoutMs: MEDIA_TIMEOUT_MS },
    );
  } finally {
    await context.close();
  }
}

/** The Janus room of a session and the feed `uid` publishes there, read from the server's own objects. */
function bareTarget(stack: Stack, sessionId: string, uid: string): BareTarget {
  const janusUrl = stack.server.media?.process?.url;
  const session = stack.server.registry?.get(sessionId);
  const host = session?.participants.get(uid);
  if (!janusUrl || !session?.room || !host?.publishing) throw new Error(`${uid} is not publishing in ${sessionId} on an embedded Janus`);
  return { janusUrl, room: session.room.id, feed: host.feedId };
}

/** What the publishing bare client sends: the SDK's own device constraints and camera layers. */
function barePublish(stack: Stack, audioOnly: boolean): BarePublish {
  const adminKey = stack.server.media?.process?.adminKey;
  if (!adminKey) throw new Error('the bare publishing client needs the embedded Janus');
  const encodings = SDK_DEFAULTS.simulcastLayers.map((layer) => ({ ...layer, active: true }));
  return { adminKey, audio: SDK_DEFAULTS.audio, ...(audioOnly ? {} : { video: SDK_DEFAULTS.video }), encodings };
}

/** The guests of one SDK build: their contexts get that bundle (and the probe). */
interface Sdk {
  name: string;
  guests: Stack;
}

/** One SDK's joins: since startSession(), and since generateToken(). */
interface SdkJoins {
  name: string;
  parley: Marks[];
  parleyFromToken: Marks[];
}

/**
 * N joins of each SDK build and N bare ones, in turn (the order rotating
 * each round) so all see the same machine conditions.
 */
async function joinRounds(stack: Stack, sdks: Sdk[], sessionId: string, host: CallPage, audioOnly: boolean) {
  const target = bareTarget(stack, sessionId, host.uid);
  const joins: SdkJoins[] = sdks.map(({ name }) => ({ name, parley: [], parleyFromToken: [] }));
  const bare: Marks[] = [];
  const barePublishing: Marks[] = [];
  const kind = audioOnly ? 'audio-only' : 'video';
  const last = mediaPhases(audioOnly).at(-1) as Phase;
  const runs = sdks.map((sdk, s) => async (i: number) => {
    const marks = await withHostKeyFrame(host, await parleyJoin(sdk.guests, sessionId, `bench-${kind}-guest-${s}-${i}`, audioOnly), audioOnly);
    joins[s]!.parleyFromToken.push(marks);
    joins[s]!.parley.push(sinceStartSession(marks));
    console.error(`${kind} join ${i + 1}/${JOINS}: ${sdk.name} ${marks[last]?.toFixed(0)} ms ${videoSteps(sinceStartSession(marks))}`);
    await sleep(SETTLE_MS);
  });
  runs.push(async (i: number) => {
    const marks = await withHostKeyFrame(host, await bareJoin(stack, target, audioOnly), audioOnly);
    bare.push(marks);
    console.error(`${kind} join ${i + 1}/${JOINS}: bare Janus ${marks[last]?.toFixed(0)} ms ${videoSteps(marks)}`);
    await sleep(SETTLE_MS);
  });
  if (BARE_PUBLISHING) {
    const publish = barePublish(stack, audioOnly);
    runs.push(async (i: number) => {
      const marks = await withHostKeyFrame(host, await bareJoin(stack, target, audioOnly, publish), audioOnly);
      barePublishing.push(marks);
      console.error(`${kind} join ${i + 1}/${JOINS}: bare Janus, publishing too ${marks[last]?.toFixed(0)} ms ${videoSteps(marks)}`);
      await sleep(SETTLE_MS);
    });
  }
  for (let i = 0; i < JOINS; i++) {
    for (let k = 0; k < runs.length; k++) await runs[(i + k) % runs.length]!(i);
  }
  return { joins, bare, barePublishing };
}

/** A video join's steps from its connection to its first frame, for the progress lines. */
function videoSteps(m: Marks): string {
  const at = (phase: Phase) => m[phase]?.toFixed(0) ?? '—';
  return m.video === undefined ? '' : `(dtls ${at('dtls')}, host PLI ${at('hostPli')}, host key frame ${at('hostKeyFrame')}, frame ${at('video')})`;
}

/** A Parley join's marks since startSession() (a socket opened before it is negative) instead of since generateToken(). */
function sinceStartSession(marks: Marks): Marks {
  const zero = marks.session ?? 0;
  return Object.fromEntries(Object.entries(marks).map(([phase, ms]) => [phase, ms - zero]));
}

/** How many joins sent a PLI before (or as) their first frame was decoded. */
const pliBeforeFrame = (joins: Marks[]): number => joins.filter((m) => m.videoPli !== undefined && m.videoPli <= (m.video ?? Infinity)).length;

/** The figures that count from generateToken(), so that a socket opened there hides nothing. */
function fromTokenLines(joins: Marks[], audioOnly: boolean): string {
  const p = (phase: Phase, n: number) => `${percentile(valuesOf(joins, phase), n)?.toFixed(0)} ms`;
  const lines = [`- generateToken() → startSession(): p50 ${p('session', 50)}, p95 ${p('session', 95)}`];
  for (const phase of mediaPhases(audioOnly)) {
    const label = { audio: 'first audio packet', video: 'first video frame decoded', videoShown: 'first video frame shown' }[phase as string];
    lines.push(`- generateToken() → ${label}: p50 ${p(phase, 50)}, p95 ${p(phase, 95)}`);
  }
  return lines.join('\n');
}

/** Janus's CPU share with 2, 4 and 6 participants, everyone publishing audio+video. */
async function janusCpuRows(stack: Stack, host: CallPage): Promise<string[]> {
  const janusPid = stack.server.media?.process?.pid;
  if (!janusPid) return [];
  const rows: string[] = [];
  const pages: CallPage[] = [host];
  for (const target of [2, 4, 6]) {
    while (pages.length < target) {
      const p = await openCallPage(stack, `bench-cpu-${pages.length}`);
      await startCall(p, VIDEO_CALL);
      pages.push(p);
    }
    await sleep(3000); // let subscriptions settle
    const c0 = cpuSeconds(janusPid);
    await sleep(CPU_WINDOW_MS);
    const pct = ((cpuSeconds(janusPid) - c0) / (CPU_WINDOW_MS / 1000)) * 100;
    rows.push(`| ${target} | ${target * (target - 1)} | ${pct.toFixed(1)} % |`);
  }
  return rows;
}

/** Which code was measured: the commit, and the measured packages that differed from it (other work in progress). */
function treeState(): string {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
  const dirty = ['packages/sdk', 'packages/server'].filter((dir) => git('status', '--porcelain', '--', dir) !== '');
  return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty.length > 0 ? ` plus uncommitted changes in ${dirty.join(' and ')}` : ''}`;
}

/** The e2e tests' stack, but with the server's store on PostgreSQL (each query off the server's thread). */
async function postgresStack(): Promise<Stack> {
  const server = await startTestServer({ PARLEY_RECONNECT_GRACE_MS: '1000', LOG_LEVEL: 'warn' }, { media: true, store: createPostgresTestStore });
  const browser = await launchChromium();
  return {
    server,
    url: server.url,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** The 1-minute load average: the machine is shared, and this says how busy it was. */
const load = () => loadavg()[0]?.toFixed(1);

const sdkDir = (dir: string) => new URL(`file://${dir.replace(/\/?$/, '/')}`);
const sdk = pinnedSdk(FIRST_SDK ? sdkDir(FIRST_SDK) : undefined);
const others = OTHER_SDKS.map((dir) => ({ dir, ...pinnedSdk(sdkDir(dir)) }));
const tree = treeState();
const loadAtStart = load();
const stack = ON_POSTGRES ? await postgresStack() : await startStack();
try {
  // Everyone gets the same SDK bundle; guests also get the probe, before any script of the page runs.
  const pages = preparingContexts(stack, sdk.prepare);
  const guestsOf = (bundle: typeof sdk) =>
    preparingContexts(stack, async (context) => {
      await bundle.prepare(context);
      await context.addInitScript({ content: `${probeScript}\nJoinProbe.install();` });
    });
  const sdks: Sdk[] = [
    { name: others.length > 0 ? 'Parley A' : 'Parley', guests: guestsOf(sdk) },
    ...others.map((other, i) => ({ name: `Parley ${String.fromCharCode(66 + i)}`, guests: guestsOf(other) })),
  ];

  // The audio-only call first, alone on the machine: the video host's encoders (three simulcast layers) took the
  // cores from every audio-only join while it kept publishing.
  let audio: Awaited<ReturnType<typeof joinRounds>> | undefined;
  if (JOIN_KINDS.includes('audio')) {
    const audioHost = await openCallPage(pages, 'bench-audio-host');
    await startCall(audioHost, AUDIO_CALL, { audioOnly: true });
    await sleep(2000);
    audio = await joinRounds(stack, sdks, AUDIO_CALL, audioHost, true);
    await audioHost.page.evaluate(() => (window as any).session.endSession());
    await audioHost.context.close();
  }

  // The host's page also watches its video senders' key frames (sender-watch.ts).
  const hosts = preparingContexts(stack, async (context) => {
    await sdk.prepare(context);
    await context.addInitScript({ content: `${senderWatchScript}\nSenderWatch.install();` });
  });
  let video: typeof audio;
  let cpuRows: string[] = [];
  if (JOIN_KINDS.includes('video')) {
    const host = await openCallPage(hosts, 'bench-host');
    await startCall(host, VIDEO_CALL);
    await sleep(2000); // the host's media is up before anyone joins
    video = await joinRounds(stack, sdks, VIDEO_CALL, host, false);
    if (CPU_WINDOW_MS > 0) cpuRows = await janusCpuRows(pages, host); // CPU_WINDOW_MS=0: joins only
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const audioPhases = PHASES.filter((r) => !r.phase.startsWith('video'));
  const series = (rounds: NonNullable<typeof video>): Series[] => [
    ...rounds.joins.map(({ name, parley }) => ({ name, joins: parley })),
    { name: 'bare Janus', joins: rounds.bare },
    ...(BARE_PUBLISHING ? [{ name: 'bare, publishing', joins: rounds.barePublishing }] : []),
  ];
  const report = (rounds: NonNullable<typeof video>, phases: PhaseRow[], audioOnly: boolean) => {
    console.log(phaseTable(phases, series(rounds)));
    const judged: Array<[Phase, string]> = audioOnly
      ? [['audio', 'First audio packet received']]
      : [
          ['video', 'First video frame decoded (getStats() polled)'],
          ['videoDecoded', "First video frame decoded (the frame's own timestamps)"],
          ['videoShown', "First video frame shown (the frame's own presentation time)"],
        ];
    for (const [phase, title] of judged) {
      console.log(`\n${title}:`);
      for (const j of rounds.joins) console.log(`- ${ratioLine(phase, j.parley, rounds.bare, j.name)}`);
      if (BARE_PUBLISHING) {
        console.log(`- ${ratioLine(phase, rounds.barePublishing, rounds.bare, 'bare Janus, publishing too')}`);
        for (const j of rounds.joins) console.log(`- ${ratioLine(phase, j.parley, rounds.barePublishing, j.name, 'bare Janus, publishing too')}`);
      }
    }
    if (!audioOnly) {
      // A receiver asks for a key frame when video packets come but none it can start decoding from.
      for (const s of series(rounds)) console.log(`- ${s.name}: a key frame request before the first frame in ${pliBeforeFrame(s.joins)} of ${s.joins.length} joins`);
    }
    for (const j of rounds.joins) console.log(`\n${j.name}:\n${fromTokenLines(j.parleyFromToken, audioOnly)}`);
    console.log('');
  };
  console.log(`\n## Join benchmark (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu})\n`);
  const bundles = [`SDK${others.length > 0 ? ' A' : ''} bundle sha256 ${sdk.sha256}…`, ...others.map((o, i) => `SDK ${String.fromCharCode(66 + i)} (${o.dir}) ${o.sha256}…`)].join(', ');
  console.log(`Tree at ${tree}; ${bundles} (read as the run started); the server's store on ${ON_POSTGRES ? 'PostgreSQL' : 'PGlite'}. Load average ${loadAtStart} at the start, ${load()} at the end.\n`);
  const each = `${JOINS} joins of each SDK (ms since startSession()) in turn with ${JOINS} bare Janus subscriptions (ms since the subscribe request)`;
  if (video) {
    console.log(`Video call, ${each}:\n`);
    report(video, PHASES, false);
  }
  if (audio) {
    console.log(`Audio-only call (measured first, before the video call's host publishes), ${each}:\n`);
    report(audio, audioPhases, true);
  }
  if (cpuRows.length > 0) {
    console.log(`Janus CPU (share of one core, ${CPU_WINDOW_MS / 1000} s window) with everyone publishing audio+video:\n`);
    console.log('| participants | video subscriptions | Janus CPU |\n| --- | --- | --- |');
    for (const row of cpuRows) console.log(row);
  }
} finally {
  await stack.close();
}
