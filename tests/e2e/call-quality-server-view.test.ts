/**
 * Janus's own view of each connection, in Chromium (issue 13 item 3): the
 * server scores each participant from Janus's stats of their connections too
 * (its WebSocket event handler), not only from what their client says.
 *
 * Ben's and Cleo's pages send no quality samples at all (their signaling drops
 * `quality.sample`), so whatever Ada hears about them comes from the server's
 * view alone, and every score Ada hears is recorded from her join on. Cleo's
 * link is then throttled with tc (48 kbit/s, a 10-packet queue, both ways on
 * every port her connections gathered or gather later, inside this test's own namespace):
 * within 12 s Ada hears Cleo at 2 or lower, and from then to the end of the
 * throttle every score she hears for Cleo is below every score she hears for
 * Ben — who stays healthy while the host is loaded.
 *
 * Then a sender's outage: everything Bob's publisher sends is dropped for 8 s.
 * Carol's losses of Bob's media when it returns are Bob's, not hers: the
 * server's adaptation of her receiving link never steps down (it used to read
 * them as her own slow link and pause her video for seconds after Bob was
 * back), Alice's video goes on, and Bob's comes back by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QualityHeard, qualityHeard, recordQualityFromJoin, selectedPorts, shape, throttle, unshape } from './call-quality-link.ts';
import { type CallPage, eventually, openCallPage, type Stack, startCall, startStack } from './harness.ts';

let stack: Stack;
const pages: CallPage[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  unshape();
  for (const p of pages) await p.context.close().catch(() => undefined);
  await stack?.close();
});

/** The page's signaling drops its own quality samples: the server hears nothing from this client about its network. */
const silenceQualitySamples = (p: CallPage) =>
  p.page.evaluate(() => {
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === 'string' && data.includes('"quality.sample"')) return;
      send.call(this, data);
    };
  });

/** Records the page's onRemoteVideoPaused events in `window.paused`. */
const listenForPauses = (p: CallPage) =>
  p.page.evaluate(() => {
    const w = window as any;
    w.paused = [];
    w.session.on('onRemoteVideoPaused', (e: { paused: boolean }) => w.paused.push({ ...e, at: Date.now() }));
  });
const pausesHeard = (p: CallPage): Promise<Array<{ paused: boolean; at: number }>> => p.page.evaluate(() => (window as any).paused);

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
    await recordQualityFromJoin(p);
    await startCall(p, sessionId);
    await listenForPauses(p);
    joined.push(p);
  }
  return joined;
}

async function leave(calls: CallPage[]): Promise<void> {
  for (const call of calls) await call.page.evaluate(() => (window as any).session.endSession()).catch(() => undefined);
}

/** What a page heard of `uid` from `from` on: the score held then, and each change after it. */
function scoresOf(heard: readonly QualityHeard[], uid: string, from: number, until = Number.POSITIVE_INFINITY): Array<{ quality: number; at: number }> {
  const before = heard.filter((e) => e.uid === uid && e.at <= from).at(-1);
  const during = heard.filter((e) => e.uid === uid && e.at > from && e.at <= until);
  return [...(before ? [{ quality: before.quality, at: from }] : []), ...during.map(({ quality, at }) => ({ quality, at }))];
}

describe("the server's own view of each connection (Janus's stats)", () => {
  it('reports a throttled client lower than an unthrottled one to the others, with no word from either client', async () => {
    const sessionId = `server-view-${Date.now()}`;
    const [ada, ben, cleo] = (await join(sessionId, ['ada', 'ben', 'cleo'], ['ben', 'cleo'])) as [CallPage, CallPage, CallPage];
    try {
      // Ben and Cleo send no samples: what Ada hears of them is Janus's view, every few seconds.
      await eventually(
        async () => new Set((await qualityHeard(ada)).map((e) => e.uid)),
        (uids) => uids.has('ben') && uids.has('cleo'),
        20_000,
        "ada hearing ben's and cleo's quality from the server's view",
      );
      await eventually(() => selectedPorts(cleo), (p) => p.publisher > 0 && p.subscriber > 0, 15_000, "cleo's ICE pairs");
      // 48 kbit/s both ways for everything Cleo sends and receives, on every port she has or moves to:
      // less than her own audio and the others' together, so her link loses packets for as long as it lasts.
      const shapedPorts = await throttle(cleo, '48kbit', 10);
      const portsAtFirst = shapedPorts.size;
      const throttledAt = Date.now();
      // A bound, not a hope: Janus's stats come every 2 s, a score moves when two of its last three readings agree.
      const lowWithinMs = 12_000;
      try {
        await sleep(20_000);
      } finally {
        unshape();
      }
      const until = Date.now();
      const heard = await qualityHeard(ada);
      const cleoHeard = scoresOf(heard, 'cleo', throttledAt, until);
      const benHeard = scoresOf(heard, 'ben', throttledAt, until);
      const show = (scores: Array<{ quality: number; at: number }>) => scores.map((s) => `${s.quality}@${((s.at - throttledAt) / 1000).toFixed(1)}s`).join(' ');
      console.log(`[server view] ada heard during cleo's throttle: cleo ${show(cleoHeard)}; ben ${show(benHeard)}; cleo's ports shaped: ${portsAtFirst} at first, ${shapedPorts.size} by the end`);
      const cleoLow = cleoHeard.find((s) => s.quality <= 2);
      expect(cleoLow, 'cleo heard at 2 or lower').toBeDefined();
      expect(cleoLow!.at - throttledAt).toBeLessThanOrEqual(lowWithinMs);
      // Once low, she stays below everything Ben is heard at through the throttle.
      const cleoSinceLow = cleoHeard.filter((s) => s.at >= cleoLow!.at).map((s) => s.quality);
      const benScores = benHeard.map((s) => s.quality);
      expect(benScores.length).toBeGreaterThan(0);
      expect(Math.max(...cleoSinceLow)).toBeLessThan(Math.min(...benScores));
    } finally {
      await leave([ada, ben, cleo]);
    }
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
    const ports = await eventually(() => selectedPorts(bob), (p) => p.publisher > 0, 15_000, "bob's ICE pairs");
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
    const paused = await pausesHeard(carol);
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
