/**
 * A screen share in a recording: the server notes its feed in the raw folder,
 * and the plan places it large, for the time it ran, with the cameras in a strip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';
import { buildRecordingPlan, CANVAS, shareLayout, type TimedStream } from './filter-graph.ts';
import { noteScreenFeeds, readScreenFeeds } from './screen-feeds.ts';

const graph = (args: string[]) => args[args.indexOf('-filter_complex') + 1] as string;
const camera = (feed: string): TimedStream => ({ file: `${feed}.webm`, kind: 'video', feed, offsetSec: 0, durationSec: 20 });

describe('the layout while a screen is shared', () => {
  it('puts the screen large on top and the cameras side by side in a strip under it', () => {
    const { screen, strip } = shareLayout(2);
    expect(screen).toEqual({ x: 0, y: 0, width: 1280, height: 540 });
    expect(strip).toEqual([
      { x: 320, y: 540, width: 320, height: 180 },
      { x: 640, y: 540, width: 320, height: 180 },
    ]);
    for (const t of shareLayout(9).strip) expect(t.x + t.width).toBeLessThanOrEqual(CANVAS.width);
  });
});

describe('the ffmpeg plan with a screen share', () => {
  it('shows the share large from its start to its end, and the grid before and after', () => {
    const share: TimedStream = { file: 'screen.webm', kind: 'video', feed: '3', offsetSec: 4, durationSec: 6, screen: true };
    const g = graph(buildRecordingPlan([camera('1'), camera('2'), share], 20).args);

    expect(g).toMatch(/\[2:v\]setpts=PTS-STARTPTS,fps=15,scale=1280:540[^;]*tpad=start_duration=4\.000[^;]*\[sc0\]/);
    expect(g).toContain("[sc0]overlay=x=0:y=0:eof_action=pass:repeatlast=0:enable='between(t,4.000,10.000)'[vout]"); // on top of everything, while it runs
    // each camera twice: its grid tile when no share runs, its strip tile while one does
    expect(g).toContain("[v0]overlay=x=0:y=0:eof_action=pass:repeatlast=0:enable='not(between(t,4.000,10.000))'");
    expect(g).toContain("[v0st]overlay=x=320:y=540:eof_action=pass:repeatlast=0:enable='between(t,4.000,10.000)'");
    expect(g).toContain("[v1st]overlay=x=640:y=540:eof_action=pass:repeatlast=0:enable='between(t,4.000,10.000)'");
  });

  it('shows each of several shares only while it runs, though they take the same place', () => {
    const first: TimedStream = { file: 'a.webm', kind: 'video', feed: '3', offsetSec: 2, durationSec: 4, screen: true };
    const second: TimedStream = { file: 'b.webm', kind: 'video', feed: '4', offsetSec: 7, durationSec: 3, screen: true };
    const g = graph(buildRecordingPlan([camera('1'), first, second], 12).args);
    // the second is black before its start: drawn over the first without a window, it would hide it
    expect(g).toContain("[sc1]overlay=x=0:y=0:eof_action=pass:repeatlast=0:enable='between(t,7.000,10.000)'[vout]");
    expect(g).toContain("enable='not(between(t,2.000,6.000)+between(t,7.000,10.000))'");
  });

  it('leaves the plan of a call without a share as it was', () => {
    const g = graph(buildRecordingPlan([camera('1'), camera('2')], 20).args);
    expect(g).not.toContain('enable=');
    expect(g).not.toContain('split');
  });
});

describe('noting screen shares for a recording', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("notes a share running when the recording starts and one started during it, never a camera's feed", async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-screen-feeds-'));
    const rawDir = join(dir, 'raw');
    const { session, join: enter, publisherOf, room, events } = sessionOnFakeMedia();
    noteScreenFeeds(events, pino({ level: 'silent' }));
    const { participant: ann } = await enter('ann');
    const { participant: ben } = await enter('ben');
    await session.publish(ann, fakeOffer(['audio', 'video']));
    publisherOf(ann).connect();
    const shareOf = (uid: string) => room().publishers.filter((p) => p.display === `${uid} (screen)`).at(-1);
    await session.publishScreen(ann, fakeOffer(['video']));
    shareOf('ann')?.connect();
    await until(() => session.screenSharer === 'ann', "ann's share");

    await session.startRecording(ann, () => ({ id: 'rec-1', dir: rawDir }));
    await session.publishScreen(ben, fakeOffer(['audio', 'video']));
    shareOf('ben')?.connect();
    await until(() => session.screenSharer === 'ben', "ben's share");

    expect(readScreenFeeds(rawDir)).toEqual(new Set([String(shareOf('ann')?.feedId), String(shareOf('ben')?.feedId)]));
    expect(readScreenFeeds(rawDir).has(String(ann.feedId))).toBe(false);
    expect(readScreenFeeds(join(dir, 'none'))).toEqual(new Set());
  });
});
