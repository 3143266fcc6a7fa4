/**
 * Simulcast and bandwidth adaptation in Chromium (issue 13 items 2 and 3).
 * Alice and Bob publish their camera in three VP8 layers; Carol's default UI
 * shows one of them large on the stage and the other small in the strip, and
 * the server sends each at the layer that fits (getStats' frameWidth). A tile
 * Carol hides gets no video until she shows it again. Then Carol's receiving
 * link is squeezed to 150 kbit/s with tc (an htb class on the namespace's
 * loopback, for her subscriber connection's UDP port only): Janus reports
 * slow links, the server steps her down to no video at all, her tiles say
 * "Video paused: poor connection", audio keeps coming; once the squeeze is
 * lifted the video comes back by itself. Last, Alice's sending link is
 * squeezed to 300 kbit/s: her browser turns her top layers off by itself
 * (qualityLimitationReason: bandwidth) and Carol gets her smallest one.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, openCallPage, type Stack, startCall, startStack } from './harness.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

interface Inbound {
  frameWidth: number;
  framesDecoded: number;
  packetsReceived: number;
}

/** Carol's received video and audio per sender, from her subscriber connection's inbound-rtp stats. */
function received(call: CallPage): Promise<{ video: Record<string, Inbound>; audio: Record<string, number> }> {
  return call.page.evaluate(async () => {
    const session = (window as any).session;
    const video: Record<string, Inbound> = {};
    const audio: Record<string, number> = {};
    const pc: RTCPeerConnection | null = session.getPeerConnections().subscriber;
    if (!pc) return { video, audio };
    (await pc.getStats()).forEach((r: any) => {
      if (r.type !== 'inbound-rtp') return;
      const uid: string | undefined = session.uidForMid(r.mid);
      if (!uid) return;
      if (r.kind === 'video') video[uid] = { frameWidth: r.frameWidth ?? 0, framesDecoded: r.framesDecoded ?? 0, packetsReceived: r.packetsReceived ?? 0 };
      else audio[uid] = r.packetsReceived ?? 0;
    });
    return { video, audio };
  });
}

/** Which remote uid the stage shows and which the strip does, in Carol's default UI. */
function shown(call: CallPage): Promise<{ stage: string[]; strip: string[] }> {
  return call.page.evaluate(() => {
    const root = document.getElementById('call')!.shadowRoot!;
    const uids = (sel: string) => [...root.querySelectorAll<HTMLElement>(`${sel} > [data-tile]`)].map((t) => t.dataset.uid!);
    return { stage: uids('[data-stage]'), strip: uids('[data-strip]') };
  });
}

async function threePeople(sessionId: string): Promise<{ carol: CallPage; others: CallPage[] }> {
  const others = [];
  for (const uid of ['alice', 'bob']) {
    const call = await openCallPage(stack, uid);
    await startCall(call, sessionId, { setters: { setStartAudioMuted: uid === 'bob' } });
    others.push(call);
  }
  // Carol watches with her camera off: what is shown here is what she receives, and three pages sending 720p
  // on two slow cores held her WebSocket frames back long enough to miss the 1 s below (CI: 1.2 s, 2.3 s).
  const carol = await openCallPage(stack, 'carol');
  await startCall(carol, sessionId, {
    defaultLayout: true,
    setters: { setMode: 'spotlight', setStartVideoMuted: true },
    size: { width: 1280, height: 720 },
  });
  await eventually(() => received(carol), (r) => Object.values(r.video).filter((v) => v.framesDecoded > 0).length === 2, 30_000, 'carol decoding both');
  return { carol, others };
}

async function endAll(calls: CallPage[]): Promise<void> {
  for (const call of calls) {
    await call.page.evaluate(() => (window as any).session.endSession()).catch(() => undefined);
    await call.context.close();
  }
}

describe('simulcast layers by tile size', () => {
  it('sends the stage tile at a larger frame width than the strip tile; a hidden tile gets no video, and it is back within 1 s of showing', async () => {
    const { carol, others } = await threePeople('simulcast-1');
    // Pin Alice on the stage (a click on her strip tile), so the active speaker does not move her.
    await eventually(() => shown(carol), (s) => s.stage.length === 1 && s.strip.length >= 1, 10_000, 'a stage and a strip');
    if ((await shown(carol)).stage[0] !== 'alice') await carol.page.locator('#call [data-strip] > [data-tile][data-uid=alice]').click();
    await eventually(() => shown(carol), (s) => s.stage[0] === 'alice' && s.strip.includes('bob'), 5_000, 'alice on the stage, bob in the strip');

    // Bob's feed comes larger until Carol's tiles have reported their sizes (and while he was on the stage, before
    // the click): it steps down to the strip's layer over a key frame or two, and a sample taken meanwhile (a CI run
    // saw Alice 1280, Bob still 640) is not yet what the strip gets.
    const sizes = await eventually(
      () => received(carol),
      (r) => (r.video.alice?.frameWidth ?? 0) > (r.video.bob?.frameWidth ?? Number.POSITIVE_INFINITY) && (r.video.bob?.frameWidth ?? 0) > 0 && (r.video.bob?.frameWidth ?? 0) <= 320,
      30_000,
      'the stage feed wider than the strip feed, the strip feed at its layer',
    );
    console.log(`[simulcast] stage (alice) ${sizes.video.alice!.frameWidth} px wide, strip (bob) ${sizes.video.bob!.frameWidth} px`);
    expect(sizes.video.bob!.frameWidth).toBeLessThanOrEqual(320);

    // Carol hides Bob's tile: his packets stop coming (the server stopped sending them, not her decoder).
    await carol.page.evaluate(() => {
      const tile = document.getElementById('call')!.shadowRoot!.querySelector<HTMLElement>('[data-tile][data-uid=bob]')!;
      tile.style.display = 'none';
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const hiddenFrom = (await received(carol)).video.bob!;
    await new Promise((r) => setTimeout(r, 1_500));
    const hiddenTo = (await received(carol)).video.bob!;
    expect(hiddenTo.packetsReceived).toBe(hiddenFrom.packetsReceived);
    expect(hiddenTo.framesDecoded).toBe(hiddenFrom.framesDecoded);
    // Alice's video kept coming meanwhile.
    expect((await received(carol)).video.alice!.framesDecoded).toBeGreaterThan(sizes.video.alice!.framesDecoded);

    // Shown again: timed in the page, from the style change to the first new decoded frame.
    const backAfterMs = await carol.page.evaluate(async () => {
      const session = (window as any).session;
      const pc: RTCPeerConnection = session.getPeerConnections().subscriber;
      const bob = async () => {
        let n = { frames: 0, packets: 0, keyFrames: 0, plis: 0 };
        (await pc.getStats()).forEach((r: any) => {
          if (r.type === 'inbound-rtp' && r.kind === 'video' && session.uidForMid(r.mid) === 'bob') {
            n = { frames: r.framesDecoded ?? 0, packets: r.packetsReceived ?? 0, keyFrames: r.keyFramesDecoded ?? 0, plis: r.pliCount ?? 0 };
          }
        });
        return n;
      };
      const before = await bob();
      const tile = document.getElementById('call')!.shadowRoot!.querySelector<HTMLElement>('[data-tile][data-uid=bob]')!;
      const start = performance.now();
      tile.style.display = '';
      let firstPacketMs = Number.POSITIVE_INFINITY;
      while (performance.now() - start < 5_000) {
        const now = await bob();
        if (now.packets > before.packets && firstPacketMs === Number.POSITIVE_INFINITY) firstPacketMs = performance.now() - start;
        if (now.frames > before.frames) return { framesMs: performance.now() - start, firstPacketMs, before, now };
        await new Promise((r) => setTimeout(r, 20));
      }
      return { framesMs: Number.POSITIVE_INFINITY, firstPacketMs, before, now: await bob() };
    });
    console.log(`[simulcast] bob's tile shown again: packets after ${Math.round(backAfterMs.firstPacketMs)} ms, frames after ${Math.round(backAfterMs.framesMs)} ms`, JSON.stringify(backAfterMs));
    expect(backAfterMs.framesMs, JSON.stringify(backAfterMs)).toBeLessThan(1_000);

    await endAll([carol, ...others]);
  }, 120_000);
});

/** The local UDP port of one of a page's connections (the selected candidate pair's local candidate). */
function localPort(call: CallPage, connection: 'publisher' | 'subscriber'): Promise<number> {
  return call.page.evaluate(async (which) => {
    const pc: RTCPeerConnection = (window as any).session.getPeerConnections()[which];
    const report = await pc.getStats();
    let pairId: string | undefined;
    report.forEach((r: any) => {
      if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
    });
    const pair = pairId ? report.get(pairId) : undefined;
    const local = pair ? report.get(pair.localCandidateId) : undefined;
    return local?.port ?? 0;
  }, connection);
}

const tc = (...args: string[]): string => execFileSync('tc', args, { encoding: 'utf8' });

/**
 * Squeezes to `rate` what the namespace's loopback carries to (`dport`: Janus → that connection)
 * or from (`sport`: that connection → Janus) one UDP port; everything else runs free.
 */
function squeeze(port: number, rate: string, direction: 'dport' | 'sport' = 'dport'): void {
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit', 'quantum', '60000');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', rate, 'ceil', rate, 'quantum', '1514');
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'tbf', 'rate', rate, 'burst', '8kb', 'latency', '100ms');
  tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', direction, String(port), '0xffff', 'flowid', '1:20');
}

function unsqueeze(): void {
  tc('qdisc', 'del', 'dev', 'lo', 'root');
}

const pausedTiles = (call: CallPage): Promise<string[]> =>
  call.page.locator('#call [data-tile][data-video-paused=true]').evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement).dataset.uid!));

describe('bandwidth adaptation (tc on the subscriber link)', () => {
  it('pauses the video with a notice when the link cannot carry the smallest layer, keeps the audio, and brings the video back once the link recovers', async () => {
    const { carol, others } = await threePeople('simulcast-2');
    const port = await localPort(carol, 'subscriber');
    expect(port).toBeGreaterThan(0);
    const start = await received(carol);

    squeeze(port, '150kbit');
    const squeezedAt = Date.now();
    try {
      await eventually(() => pausedTiles(carol), (uids) => uids.length === 2, 60_000, "'Video paused: poor connection' on both tiles");
      console.log(`[adaptation] video paused ${Date.now() - squeezedAt} ms after the squeeze`);
      const paused = await received(carol);
      expect(await carol.page.locator('#call [data-tile][data-uid=alice] .paused').isVisible()).toBe(true);
      expect(await carol.page.locator('#call [data-tile][data-uid=alice] .paused').textContent()).toBe('Video paused: poor connection');
      // Audio goes on (Alice's microphone is on) while the video stands still.
      await new Promise((r) => setTimeout(r, 2_000));
      const later = await received(carol);
      expect(later.audio.alice!).toBeGreaterThan(paused.audio.alice!);
      expect(later.audio.alice!).toBeGreaterThan(start.audio.alice!);
      console.log(`[adaptation] paused; alice's audio packets ${paused.audio.alice} → ${later.audio.alice} in 2 s`);
    } finally {
      unsqueeze();
    }
    const lifted = await received(carol);
    const liftedAt = Date.now();
    const back = await eventually(
      async () => ({ tiles: await pausedTiles(carol), r: await received(carol) }),
      ({ tiles, r }) => tiles.length === 0 && ['alice', 'bob'].every((uid) => r.video[uid]!.framesDecoded > lifted.video[uid]!.framesDecoded),
      40_000,
      'the video back and the notice gone',
    );
    console.log(`[adaptation] video back, notice gone, ${Date.now() - liftedAt} ms after the squeeze was lifted`);
    expect(back.r.audio.alice!).toBeGreaterThan(lifted.audio.alice!);
    await endAll([carol, ...others]);
  }, 180_000);
});

/** Alice's camera layers as her browser sends them: per rid, frame width, bytes sent, and why it is limited. */
function sentLayers(call: CallPage): Promise<Record<string, { frameWidth: number; bytesSent: number; limitedBy: string }>> {
  return call.page.evaluate(async () => {
    const pc: RTCPeerConnection = (window as any).session.getPeerConnections().publisher;
    const layers: Record<string, { frameWidth: number; bytesSent: number; limitedBy: string }> = {};
    (await pc.getStats()).forEach((r: any) => {
      if (r.type === 'outbound-rtp' && r.kind === 'video' && r.rid) {
        layers[r.rid] = { frameWidth: r.frameWidth ?? 0, bytesSent: r.bytesSent ?? 0, limitedBy: r.qualityLimitationReason ?? 'none' };
      }
    });
    return layers;
  });
}

describe('a publisher on a poor uplink (tc on its sending link)', () => {
  it('drops its top layers by itself (qualityLimitationReason: bandwidth) and viewers get a smaller layer', async () => {
    const { carol, others } = await threePeople('simulcast-3');
    const alice = others[0]!;
    await eventually(() => sentLayers(alice), (l) => Object.keys(l).length === 3, 10_000, 'three layers sent');
    const port = await localPort(alice, 'publisher');
    squeeze(port, '300kbit', 'sport');
    try {
      // The browser's bandwidth estimate (Janus's transport-cc / REMB feedback) takes a few seconds to fall.
      await new Promise((r) => setTimeout(r, 8_000));
      const squeezed = await sentLayers(alice);
      const sentIn2s: Record<string, number> = {};
      await new Promise((r) => setTimeout(r, 2_000));
      const later = await sentLayers(alice);
      for (const rid of ['f', 'h', 'q']) sentIn2s[rid] = (later[rid]?.bytesSent ?? 0) - (squeezed[rid]?.bytesSent ?? 0);
      console.log(`[uplink] alice's layers under 300 kbit/s: ${JSON.stringify(later)}; bytes in 2 s ${JSON.stringify(sentIn2s)}`);
      // The smallest layer still goes out; the top one sends (almost) nothing.
      expect(sentIn2s.q).toBeGreaterThan(0);
      expect(sentIn2s.f ?? 0).toBeLessThan(sentIn2s.q ?? 0);
      expect(Object.values(later).some((l) => l.limitedBy === 'bandwidth')).toBe(true);
      const atCarol = await received(carol);
      expect(atCarol.video.alice!.frameWidth).toBeLessThan(1280);
    } finally {
      unsqueeze();
    }
    await endAll([carol, ...others]);
  }, 120_000);
});
