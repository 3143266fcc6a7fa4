/**
 * Janus's own view of each connection, in Chromium (issue 13 item 3): the
 * server scores each participant from Janus's stats of their connections too
 * (its WebSocket event handler), not only from what their client says.
 *
 * Ben's and Cleo's pages send no quality samples at all (their signaling drops
 * `quality.sample`), so whatever Ada hears about them comes from the server's
 * view alone. Cleo's link is then throttled with tc (64 kbit/s, a 10-packet
 * queue, both ways on her ICE ports, inside this test's own namespace): Ada
 * hears Cleo lower than Ben.
 *
 * Then a sender's outage: everything Bob's publisher sends is dropped for 8 s.
 * Carol's losses of Bob's media when it returns are Bob's, not hers: the
 * server's adaptation of her receiving link never steps down (it used to read
 * them as her own slow link and pause her video for seconds after Bob was
 * back), Alice's video goes on, and Bob's comes back by itself.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, openCallPage, type Stack, startCall, startStack } from './harness.ts';

let stack: Stack;
const pages: CallPage[] = [];
let shaped = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tc = (...args: string[]): string => execFileSync('tc', args, { encoding: 'utf8' });

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  unshape();
  for (const p of pages) await p.context.close().catch(() => undefined);
  await stack?.close();
});

function unshape(): void {
  if (shaped) tc('qdisc', 'del', 'dev', 'lo', 'root');
  shaped = false;
}

/**
 * Puts every UDP packet from or to `ports` (as `directions` say) on the namespace's loopback through
 * one htb class with a `limit`-packet queue at `rate`; a queue of 0 drops them all.
 */
function shape(ports: number[], directions: Array<'sport' | 'dport'>, rate: string, limit: number): void {
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10', 'r2q', '1000');
  shaped = true;
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', rate, 'ceil', rate);
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', String(limit));
  for (const port of ports) {
    for (const dir of directions) {
      tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', dir, String(port), '0xffff', 'flowid', '1:20');
    }
  }
}

/** The local UDP port of each of a page's connections (its selected ICE pair's local candidate). */
function icePorts(p: CallPage): Promise<{ publisher: number; subscriber: number }> {
  return p.page.evaluate(async () => {
    const pcs = (window as any).session.getPeerConnections() as Record<'publisher' | 'subscriber', RTCPeerConnection>;
    const port = async (pc: RTCPeerConnection) => {
      const stats = [...(await pc.getStats()).values()] as any[];
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      return (stats.find((s) => s.id === pair?.localCandidateId)?.port as number | undefined) ?? 0;
    };
    return { publisher: await port(pcs.publisher), subscriber: await port(pcs.subscriber) };
  });
}

/** The page's signaling drops its own quality samples: the server hears nothing from this client about its network. */
const silenceQualitySamples = (p: CallPage) =>
  p.page.evaluate(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string' && data.includes('"quality.sample"')) return;
      send.call(this, data);
    };
  });

/** Records the page's onNetworkQualityChanged and onRemoteVideoPaused events in `window.heard`. */
const listen = (p: CallPage) =>
  p.page.evaluate(() => {
    const w = window as any;
    w.heard = { quality: [], paused: [] };
    w.session.on('onNetworkQualityChanged', (e: { uid: string; quality: number }) => w.heard.quality.push({ ...e, at: Date.now() }));
    w.session.on('onRemoteVideoPaused', (e: { paused: boolean }) => w.heard.paused.push({ ...e, at: Date.now() }));
  });

interface Heard {
  quality: Array<{ uid: string; quality: number; at: number }>;
  paused: Array<{ paused: boolean; at: number }>;
}
const heard = (p: CallPage): Promise<Heard> => p.page.evaluate(() => (window as any).heard as Heard);

/** Frames decoded per sender in the page's subscriber connection. */
function framesFrom(p: CallPage): Promise<Record<string, number>> {
  return p.page.evaluate(async () => {
    const session = (window as any).session;
    const frames: Record<string, number> = {};
    const pc: RTCPeerConnection | null = session.getPeerConnections().subscriber;
    (await pc?.getStats())?.forEach((r: any) => {
      const uid = r.type === 'inbound-rtp' && r.kind === 'video' ? session.uidForMid(r.mid) : undefined;
      if (uid) frames[uid] = r.framesDecoded ?? 0;
    });
    return frames;
  });
}

async function join(sessionId: string, uids: string[], silent: string[]): Promise<CallPage[]> {
  const joined: CallPage[] = [];
  for (const uid of uids) {
    const p = await openCallPage(stack, uid);
    pages.push(p);
    if (silent.includes(uid)) await silenceQualitySamples(p);
    await startCall(p, sessionId);
    await listen(p);
    joined.push(p);
  }
  return joined;
}

async function leave(calls: CallPage[]): Promise<void> {
  for (const call of calls) await call.page.evaluate(() => (window as any).session.endSession()).catch(() => undefined);
}

describe("the server's own view of each connection (Janus's stats)", () => {
  it('reports a throttled client lower than an unthrottled one to the others, with no word from either client', async () => {
    const [ada, ben, cleo] = (await join(`server-view-${Date.now()}`, ['ada', 'ben', 'cleo'], ['ben', 'cleo'])) as [CallPage, CallPage, CallPage];
    // Ben and Cleo send no samples: what Ada hears of them is Janus's view, every few seconds.
    await eventually(
      async () => new Set((await heard(ada)).quality.map((e) => e.uid)),
      (uids) => uids.has('ben') && uids.has('cleo'),
      20_000,
      "ada hearing ben's and cleo's quality from the server's view",
    );
    const ports = await eventually(() => icePorts(cleo), (p) => p.publisher > 0 && p.subscriber > 0, 15_000, "cleo's ICE pairs");
    shape([ports.publisher, ports.subscriber], ['sport', 'dport'], '64kbit', 10);
    const throttledAt = Date.now();
    try {
      await sleep(20_000);
    } finally {
      unshape();
    }
    const { quality } = await heard(ada);
    const during = (uid: string) => quality.filter((e) => e.uid === uid && e.at > throttledAt).map((e) => e.quality);
    const latestBefore = (uid: string) => quality.filter((e) => e.uid === uid && e.at <= throttledAt).at(-1)?.quality;
    console.log(`[server view] ada heard before the throttle: ben ${latestBefore('ben')}, cleo ${latestBefore('cleo')}; during: ben [${during('ben')}], cleo [${during('cleo')}]`);
    const lowest = (uid: string) => Math.min(latestBefore(uid) ?? 5, ...during(uid));
    expect(during('cleo').length).toBeGreaterThan(0);
    expect(lowest('cleo')).toBeLessThanOrEqual(3);
    expect(lowest('cleo')).toBeLessThan(lowest('ben'));
    await leave([ada, ben, cleo]);
  }, 120_000);
});

describe("a sender's outage at a receiver", () => {
  it("does not step the receiver down: its losses are the sender's, and the sender's video comes back by itself", async () => {
    const sessionId = `sender-outage-${Date.now()}`;
    const [alice, bob, carol] = (await join(sessionId, ['alice', 'bob', 'carol'], [])) as [CallPage, CallPage, CallPage];
    // Carol's receiving link as the server's adaptation judges it, read every 100 ms through the call.
    const carolsLink = new Set<string>();
    const watch = setInterval(() => {
      const state = stack.server.registry?.get(sessionId)?.participants.get('carol')?.subscriberLink;
      if (state) carolsLink.add(state);
    }, 100);
    await eventually(() => framesFrom(carol), (f) => (f.alice ?? 0) > 0 && (f.bob ?? 0) > 0, 30_000, 'carol decoding alice and bob');
    const ports = await eventually(() => icePorts(bob), (p) => p.publisher > 0, 15_000, "bob's ICE pairs");
    // Nothing Bob's publisher sends gets through (a queue of no packets) for 8 s.
    shape([ports.publisher], ['sport'], '1mbit', 0);
    const outAt = Date.now();
    try {
      await sleep(8_000);
    } finally {
      unshape();
    }
    const backAt = Date.now();
    const atReturn = await framesFrom(carol);
    const back = await eventually(() => framesFrom(carol), (f) => (f.bob ?? 0) > (atReturn.bob ?? 0), 20_000, "bob's video back at carol");
    const bobBackMs = Date.now() - backAt;
    // The time a receiver whose adaptation took the sender's losses for its own stayed paused (5 s probe, then layers up).
    await sleep(10_000);
    const after = await framesFrom(carol);
    clearInterval(watch);
    const { paused } = await heard(carol);
    console.log(
      `[sender outage] bob's video back at carol ${bobBackMs} ms after his link; carol's link states ${[...carolsLink]}; pause events ${JSON.stringify(paused.map((p) => ({ paused: p.paused, afterOutageMs: p.at - outAt })))}`,
    );
    expect([...carolsLink]).toEqual(['full']);
    expect(paused.filter((p) => p.paused)).toEqual([]);
    expect(after.alice ?? 0).toBeGreaterThan(back.alice ?? 0);
    expect(after.bob ?? 0).toBeGreaterThan(back.bob ?? 0);
    await leave([alice, bob, carol]);
  }, 120_000);
});
