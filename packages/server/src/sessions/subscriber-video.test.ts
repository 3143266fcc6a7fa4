import type { ServerEvents } from '@parley/protocol';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaSubscriber, ReceivedTrack, VideoStreamSetting } from '../media/media-backend.ts';
import { type DescribeTrack, SubscriberVideo } from './subscriber-video.ts';

const TIMING = { settleMs: 2_000, raiseAfterQuietMs: 10_000, probeAfterMs: 5_000 };
const ALICE = 11;
const BOB = 12;

/** Carol's subscription: Alice's and Bob's microphone and camera. */
const TRACKS: ReceivedTrack[] = [
  { mid: '0', feedId: ALICE, feedMid: '0', kind: 'audio', active: true },
  { mid: '1', feedId: ALICE, feedMid: '1', kind: 'video', active: true },
  { mid: '2', feedId: BOB, feedMid: '0', kind: 'audio', active: true },
  { mid: '3', feedId: BOB, feedMid: '1', kind: 'video', active: true },
];
const describeTrack: DescribeTrack = (t) => ({ uid: t.feedId === ALICE ? 'alice' : 'bob', source: t.kind === 'video' ? 'camera' : 'microphone' });

function carol(tracks = TRACKS, troubled: ReadonlySet<number> = new Set()) {
  const calls: VideoStreamSetting[][] = [];
  const told: Array<ServerEvents['subscriber.videoPaused']> = [];
  const keyFramesAskedOf: number[][] = [];
  const subscriber = { setVideo: async (s: readonly VideoStreamSetting[]) => void calls.push([...s]) } as unknown as MediaSubscriber;
  const video = new SubscriberVideo(
    {
      uid: 'carol',
      log: pino({ level: 'silent' }),
      send: (event, data) => {
        if (event === 'subscriber.videoPaused') told.push(data as ServerEvents['subscriber.videoPaused']);
      },
      keyFramesWanted: (feeds) => keyFramesAskedOf.push([...feeds]),
      senderInTrouble: (feedId) => troubled.has(feedId),
    },
    TIMING,
  );
  video.attach(subscriber);
  video.tracksChanged(tracks, describeTrack);
  return { video, calls, told, keyFramesAskedOf, last: () => calls.at(-1) };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe("a subscriber's video layers", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('leaves a new video at the full picture Janus starts it with: no configure, whose key frame request would spend the one its connection needs', async () => {
    const { calls } = carol();
    await settle();
    expect(calls).toEqual([]);
  });

  it('sends the feed shown large at the full picture and the one shown small at the smallest layer, asking for a key frame of it', async () => {
    const { video, last, keyFramesAskedOf } = carol();
    video.setViews([
      { uid: 'alice', source: 'camera', width: 1280, height: 720 },
      { uid: 'bob', source: 'camera', width: 240, height: 135 },
    ]);
    await settle();
    expect(last()).toEqual([{ mid: '3', send: true, layer: 0 }]);
    // The switch waits for a key frame of the small layer: asked now and again, in case the encoder's one request per 300 ms was spent.
    await vi.advanceTimersByTimeAsync(1_100);
    expect(keyFramesAskedOf).toEqual([[BOB], [BOB], [BOB]]);
  });

  it('stops a hidden tile, and brings it back asking for key frames when it is shown again', async () => {
    const { video, last, keyFramesAskedOf } = carol();
    video.setViews([{ uid: 'bob', source: 'camera', width: 0, height: 0 }]);
    await settle();
    expect(last()).toEqual([{ mid: '3', send: false }]);
    video.setViews([{ uid: 'bob', source: 'camera', width: 320, height: 180 }]);
    await settle();
    expect(last()).toEqual([{ mid: '3', send: true, layer: 0 }]);
    expect(keyFramesAskedOf).toEqual([[BOB]]);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(keyFramesAskedOf).toEqual([[BOB], [BOB], [BOB]]);
  });

  it('asks again for every feed still waiting: a connection that came up, then one of its feeds switching layer', async () => {
    const { video, keyFramesAskedOf } = carol();
    video.askForKeyFrames(new Set([ALICE, BOB])); // the connection came up
    await vi.advanceTimersByTimeAsync(100);
    video.setViews([
      { uid: 'alice', source: 'camera', width: 1280, height: 720 },
      { uid: 'bob', source: 'camera', width: 240, height: 135 },
    ]);
    await settle();
    await vi.advanceTimersByTimeAsync(1_100);
    // Bob's switch did not cancel Alice's requests again: both are asked at +300 and +1100 ms after the switch.
    expect(keyFramesAskedOf).toEqual([[ALICE, BOB], [BOB], [ALICE, BOB], [ALICE, BOB]]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(keyFramesAskedOf).toHaveLength(4);
  });

  it('gives a one-to-one call the full picture whatever the tile', async () => {
    const { video, calls } = carol(TRACKS.slice(0, 2));
    video.setViews([{ uid: 'alice', source: 'camera', width: 200, height: 112 }]);
    await settle();
    expect(calls).toEqual([]);
    // The same tile once a third person's video arrives: now it fits the tile.
    video.tracksChanged(TRACKS, describeTrack);
    await settle();
    expect(calls).toEqual([[{ mid: '1', send: true, layer: 0 }]]);
  });

  it('counts every slow-link report of the receiving connection, whichever direction Janus marks it', async () => {
    const { video } = carol();
    await settle();
    video.slowLink({ uplink: true, lost: 50, media: 'video' });
    expect(video.linkState).toBe('reduced');
  });

  it('steps every video down on a slow link, pauses it with a notice when even the lowest fails, and brings it back by itself', async () => {
    const { video, last, told } = carol();
    await settle();
    for (let i = 0; i < 2; i++) {
      video.slowLink({ uplink: true, lost: 30, media: 'video' });
      await vi.advanceTimersByTimeAsync(TIMING.settleMs + 100);
    }
    expect(last()).toEqual([
      { mid: '1', send: true, layer: 0 },
      { mid: '3', send: true, layer: 0 },
    ]);
    video.slowLink({ uplink: true, lost: 30, media: 'video' });
    await settle();
    expect(last()).toEqual([
      { mid: '1', send: false },
      { mid: '3', send: false },
    ]);
    expect(told).toEqual([{ paused: true, reason: 'poor-connection' }]);

    // The constraint is lifted: no more reports. A probe at the smallest layer, then up again.
    await vi.advanceTimersByTimeAsync(TIMING.probeAfterMs);
    expect(last()).toEqual([
      { mid: '1', send: true, layer: 0 },
      { mid: '3', send: true, layer: 0 },
    ]);
    expect(told.at(-1)).toEqual({ paused: false, reason: 'poor-connection' });
    await vi.advanceTimersByTimeAsync(TIMING.probeAfterMs + TIMING.raiseAfterQuietMs * 2);
    expect(video.linkState).toBe('full');
    expect(last()).toEqual([
      { mid: '1', send: true, layer: 2 },
      { mid: '3', send: true, layer: 2 },
    ]);
  });

  /** Janus's stats of Carol's connection: what each m-line lost of what it sent her. */
  const sentStats = (lossByMid: Record<string, number>) => {
    const sentByMid = Object.fromEntries(Object.entries(lossByMid).map(([mid, lossPercent]) => [mid, { lossPercent, jitterMs: 10, bytesPerSecond: 30_000 }]));
    return { sent: { lossPercent: Math.max(...Object.values(lossByMid)), jitterMs: 10, bytesPerSecond: 30_000 * Object.keys(lossByMid).length }, sentByMid, rttMs: 20 };
  };

  it("steps down when Janus's stats show the link losing a tenth of what it is sent (the stand-in for REMB), not for less", async () => {
    const { video } = carol();
    await settle();
    video.stats(video.ownStats(sentStats({ '1': 4, '3': 2 })));
    expect(video.linkState).toBe('full');
    video.stats(video.ownStats(sentStats({ '1': 18, '3': 12 })));
    expect(video.linkState).toBe('reduced');
  });

  it("does not step down for a sender's outage: slow links on its media, and its m-lines' losses while it recovers, are its own", async () => {
    const { video, calls, told } = carol(TRACKS, new Set([ALICE]));
    await settle();
    // Alice's link went out and came back: Carol asks again for Alice's missing packets.
    for (let i = 0; i < 3; i++) {
      video.slowLink({ uplink: true, lost: 80, mid: '1', media: 'video' });
      video.stats(video.ownStats(sentStats({ '0': 30, '1': 40, '3': 1 })));
      await vi.advanceTimersByTimeAsync(TIMING.settleMs + 100);
    }
    expect(video.linkState).toBe('full');
    expect(calls).toEqual([]);
    expect(told).toEqual([]);
    // What Carol's own link did is Bob's m-lines' reading; losses on Bob's video are hers.
    expect(video.ownStats(sentStats({ '0': 30, '1': 40, '3': 1 }))).toEqual({ ...sentStats({ '3': 1 }) });
    video.slowLink({ uplink: true, lost: 30, mid: '3', media: 'video' });
    expect(video.linkState).toBe('reduced');
  });

  it("leaves nothing sent in the stats when every m-line's sender is in trouble", () => {
    const { video } = carol(TRACKS, new Set([ALICE, BOB]));
    expect(video.ownStats(sentStats({ '1': 40, '3': 30 }))).toEqual({ rttMs: 20 });
  });

  it('tells a client that comes back on a new socket that its video is still paused', async () => {
    const { video, told } = carol();
    for (let i = 0; i < 3; i++) {
      video.slowLink({ uplink: true, lost: 30 });
      await vi.advanceTimersByTimeAsync(TIMING.settleMs + 100);
    }
    video.resend();
    expect(told).toEqual([
      { paused: true, reason: 'poor-connection' },
      { paused: true, reason: 'poor-connection' },
    ]);
    video.close();
  });
});
