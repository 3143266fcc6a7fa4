/**
 * Two codecs in one call: rooms take VP8 and H.264, each publisher sends the
 * one its SDK offers (`ParleyCalls.init({ videoCodec })`), and each
 * subscriber decodes what the publisher sends — seen in getStats' codec of
 * every inbound video stream. Firefox here has no H.264 (its OpenH264 plugin
 * is a download), so it is shown receiving the VP8 publisher. A recording of
 * the mixed call is one playable file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserName } from './browsers/browser-page.ts';
import { eventually, events, openParticipant, type Participant, type Stack, startCall, startStack } from './harness.ts';

let stack: Stack;
let tmp: string;

beforeAll(async () => {
  stack = await startStack();
  tmp = mkdtempSync(join(tmpdir(), 'parley-e2e-codecs-'));
});
afterAll(async () => {
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function enter(browser: BrowserName, uid: string, videoCodec?: 'vp8' | 'h264'): Promise<Participant> {
  const who = await openParticipant(stack, browser, uid);
  // A 640×360 camera: what is shown here is the codecs, and four pages sending and receiving 720p saturated
  // two slow cores; Chromium's network process then passed WebSocket frames seconds late, and the pages took
  // their sockets for dead in the middle of recording.start.
  await who.tab.evaluate(() => {
    const devices = navigator.mediaDevices;
    const open = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (c) => open(c?.video ? { ...c, video: { ...(c.video === true ? {} : c.video), width: { ideal: 640 }, height: { ideal: 360 } } } : c);
  });
  if (videoCodec) await who.tab.evaluate((codec: string) => (window as any).Parley.ParleyCalls.init({ serverUrl: location.origin, videoCodec: codec }), videoCodec);
  await startCall(who, 'codecs-1');
  return who;
}

/** The codec of each video stream `who` decodes, by publisher, and how many frames of it. */
function decodedVideo(who: Participant): Promise<Record<string, { codec: string; frames: number }>> {
  return who.tab.evaluate(async () => {
    const session = (window as any).session;
    const { subscriber } = session.getPeerConnections();
    const out: Record<string, { codec: string; frames: number }> = {};
    if (!subscriber) return out;
    const report: RTCStatsReport = await subscriber.getStats();
    report.forEach((r: any) => {
      if (r.type !== 'inbound-rtp' || r.kind !== 'video' || !(r.framesDecoded > 0)) return;
      const uid = session.uidForMid(r.mid) ?? r.mid;
      out[uid] = { codec: report.get(r.codecId)?.mimeType ?? '?', frames: r.framesDecoded };
    });
    return out;
  });
}

/** The codec `who` sends its camera with. */
function sentVideoCodec(who: Participant): Promise<string | undefined> {
  return who.tab.evaluate(async () => {
    const { publisher } = (window as any).session.getPeerConnections();
    const report: RTCStatsReport = await publisher.getStats();
    let codec: string | undefined;
    report.forEach((r: any) => {
      if (r.type === 'outbound-rtp' && r.kind === 'video' && r.codecId) codec = report.get(r.codecId)?.mimeType;
    });
    return codec;
  });
}

describe('a call with an H.264 publisher beside a VP8 one', () => {
  it('is decoded as H.264 and VP8 by a Chromium subscriber, as VP8 by Firefox, and recorded into one playable file', async () => {
    const h264 = await enter('chromium', 'hana', 'h264');
    const vp8 = await enter('chromium', 'vera');
    const viewer = await enter('chromium', 'cleo');
    const fox = await enter('firefox', 'fred');

    expect(await eventually(() => sentVideoCodec(h264), (c) => c !== undefined, 15_000, 'hana sending video')).toBe('video/H264');
    expect(await eventually(() => sentVideoCodec(vp8), (c) => c !== undefined, 15_000, 'vera sending video')).toBe('video/VP8');
    const seen = await eventually(() => decodedVideo(viewer), (d) => d.hana !== undefined && d.vera !== undefined, 20_000, 'cleo decoding both');
    expect(seen.hana?.codec).toBe('video/H264');
    expect(seen.vera?.codec).toBe('video/VP8');
    const atFox = await eventually(() => decodedVideo(fox), (d) => d.vera !== undefined, 20_000, 'fred decoding vera');
    expect(atFox.vera?.codec).toBe('video/VP8');

    await viewer.tab.evaluate(() => (window as any).session.startRecording());
    const toggled = await eventually(() => events(viewer, 'onRecordingToggled'), (e) => e.length === 1, 10_000, 'recording on');
    await new Promise((r) => setTimeout(r, 4000));
    await viewer.tab.evaluate(() => (window as any).session.stopRecording());
    const recordingId = toggled[0]?.payload.recordingId as string;
    // The call ends before the job is awaited: its encoders run behind calls in progress (recording/exec.ts).
    for (const who of [h264, vp8, viewer, fox]) {
      await who.tab.evaluate(() => (window as any).session.endSession());
      await who.tab.close();
    }
    const auth = { headers: { authorization: `Bearer ${stack.server.apiKey}` } };
    const meta = await eventually(
      () => fetch(`${stack.url}/v1/recordings/${recordingId}`, auth).then((r) => r.json()),
      (r: any) => r.status === 'ready' || r.status === 'failed',
      90_000,
      'the recording job',
    );
    expect(meta).toMatchObject({ status: 'ready', error: null });
    const file = join(tmp, `${recordingId}.webm`);
    writeFileSync(file, Buffer.from(await (await fetch(`${stack.url}${meta.fileUrl}`, auth)).arrayBuffer()));
    const probed = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name', '-of', 'json', file], { encoding: 'utf8' }));
    expect(probed.streams.map((s: any) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:opus', 'video:vp8']);
    expect(Number(probed.format.duration)).toBeGreaterThan(2);
    // Every frame decodes: the whole file plays.
    execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'null', '-']);
  }, 240_000); // four pages (one Firefox) and a recording job that turns H.264 into VP8 (ffmpeg), on two cores: 64 s at load 16
});
