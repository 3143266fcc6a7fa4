/**
 * Janus is SIGKILLed during a three-person call: the supervisor restarts it,
 * the server makes the room again, and every page publishes and subscribes
 * again by itself. Nobody gets a leave, join or end; mute states stay; media
 * is back within 5 s of Janus answering; a recording across the crash is one
 * file covering before and after, the gap marked in its metadata.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, mediaReport, openCallPage, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
let tmp: string;
beforeAll(async () => {
  stack = await startStack();
  tmp = mkdtempSync(join(tmpdir(), 'parley-e2e-crash-'));
});
afterAll(async () => {
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Video from `others` people decoding, and the frame count still rising; what each stream did is printed when not. */
async function mediaFlowing(call: CallPage, others: number, timeoutMs: number): Promise<void> {
  try {
    const first = await eventually(() => stats(call), (s) => s.inboundVideoStreams >= others && s.audioPacketsReceived > 0, timeoutMs, `${call.uid} receiving ${others}`);
    await eventually(() => stats(call), (s) => s.videoFramesDecoded > first.videoFramesDecoded + 5, timeoutMs, `${call.uid}'s frames rising`);
  } catch (error) {
    console.log(await mediaReport(call));
    throw error;
  }
}

async function rest(path: string, init: RequestInit = {}): Promise<any> {
  const r = await fetch(`${stack.url}${path}`, { ...init, headers: { authorization: `Bearer ${stack.server.apiKey}`, ...init.headers } });
  return r.json();
}

describe('Janus killed during a three-person call', () => {
  it('comes back by itself on every page within 5 s of Janus answering, with no leave, join or end, mute kept, and one recording across', async ({ task }) => {
    // A try of its own session: a failed first try leaves its session recording, within its participants' grace.
    const sessionId = `janus-crash-${task.result?.retryCount ?? 0}`;
    const calls: CallPage[] = [];
    for (const uid of ['ann', 'ben', 'cy']) {
      const call = await openCallPage(stack, uid, uid.toUpperCase());
      await startCall(call, sessionId);
      calls.push(call);
    }
    const [ann, ben] = calls as [CallPage, CallPage, CallPage];
    for (const c of calls) await mediaFlowing(c, 2, 20_000);
    await ben.page.evaluate(() => (window as any).session.audioMuted(true));
    await ann.page.evaluate(() => (window as any).session.startRecording());
    const toggled = await eventually(() => events(ann, 'onRecordingToggled'), (e) => e.length === 1, 10_000, 'recording started');
    const recordingId = toggled[0]?.payload.recordingId as string;
    await sleep(3_000); // some recording before the crash

    // Each page notes when it was told, when its publisher was up again, and when it decoded both others' video and heard audio.
    for (const c of calls) {
      await c.page.evaluate(() => {
        const w = window as any;
        w.__at = {};
        w.session.on('onReconnected', () => (w.__at.publisherUp = Date.now()));
        w.session.on('onReconnecting', () => {
          w.__at.told = Date.now();
          const poll = setInterval(async () => {
            const sub = w.session.getPeerConnections().subscriber;
            if (!sub) return;
            let videos = 0;
            let audio = 0;
            (await sub.getStats()).forEach((r: any) => {
              if (r.type === 'inbound-rtp' && r.kind === 'video' && r.framesDecoded > 0) videos++;
              if (r.type === 'inbound-rtp' && r.kind === 'audio') audio += r.packetsReceived ?? 0;
            });
            if (videos >= 2 && audio > 0) {
              w.__at.mediaBack = Date.now();
              clearInterval(poll);
            }
          }, 50);
        });
      });
    }
    const NOT_WANTED = ['onUserLeft', 'onUserJoined', 'onCallEnded', 'onSessionTimeout'];
    const before = await Promise.all(calls.map(async (c) => (await events(c)).filter((e) => NOT_WANTED.includes(e.name)).length));
    const janus = stack.server.media?.process;
    const oldPid = janus?.pid as number;
    const answering = new Promise<number>((resolve) => janus?.once('restarted', () => resolve(Date.now())));
    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    const answeredAt = await answering;
    // Janus answers before the pages hear of it: until then their old connections stand, frozen at their count
    // before the crash, so frames are counted only once each page saw its new connection decode.
    const at = await Promise.all(calls.map((c) => eventually(() => c.page.evaluate(() => (window as any).__at), (t) => t.mediaBack !== undefined && t.publisherUp !== undefined, 15_000, `${c.uid} publishing and receiving again`)));
    await Promise.all(calls.map((c) => mediaFlowing(c, 2, 15_000)));
    for (const [i, c] of calls.entries()) {
      const t = at[i];
      console.log(`${c.uid}, after Janus answered: told +${t.told - answeredAt} ms, publishing +${t.publisherUp - answeredAt} ms, both videos decoded and audio +${t.mediaBack - answeredAt} ms`);
    }
    const backMs = Math.max(...at.map((t) => t.mediaBack)) - answeredAt;
    console.log(`Janus SIGKILL → answering again: ${answeredAt - killedAt} ms; answering → media back on all 3 pages: ${backMs} ms`);
    expect(backMs).toBeLessThan(5_000);

    for (const [i, c] of calls.entries()) {
      // no leave, join or end since the crash (the joins before it were the call starting)
      expect((await events(c)).filter((e) => NOT_WANTED.includes(e.name)).slice(before[i])).toEqual([]);
      expect((await events(c, 'onReconnected')).length).toBe(1);
      expect(await c.page.evaluate(() => (window as any).session.state)).toBe('joined');
    }
    // ben is still muted, as everyone sees it and as his own track is
    const seen = await ann.page.evaluate(() => (window as any).session.getParticipants().find((u: any) => u.uid === 'ben').isAudioMuted);
    expect(seen).toBe(true);
    expect(await ben.page.evaluate(() => (window as any).session.getLocalStream().getAudioTracks()[0].enabled)).toBe(false);

    await sleep(3_000); // some recording after
    await ann.page.evaluate(() => (window as any).session.stopRecording());
    // The call ends before the job is awaited: its encoders run behind calls in progress (recording/exec.ts).
    for (const c of calls) await c.context.close();
    const meta = await eventually(() => rest(`/v1/recordings/${recordingId}`), (r) => r.status === 'ready' || r.status === 'failed', 120_000, 'the recording job');
    expect(meta.status).toBe('ready');
    const body = await fetch(`${stack.url}${meta.fileUrl}`, { headers: { authorization: `Bearer ${stack.server.apiKey}` } });
    const file = join(tmp, `${recordingId}.webm`);
    writeFileSync(file, Buffer.from(await body.arrayBuffer()));
    const probed = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', file], { encoding: 'utf8' }));
    const durationSec = Number(probed.format.duration);
    const spanSec = (new Date(meta.stoppedAt).getTime() - new Date(meta.startedAt).getTime()) / 1000;
    console.log(`recording across the crash: ${durationSec.toFixed(2)} s of ${spanSec.toFixed(2)} s between start and stop; gaps ${JSON.stringify(meta.gaps)}`);
    expect(durationSec).toBeGreaterThan(6); // 3 s before, the gap, 3 s after
    expect(Math.abs(durationSec - spanSec)).toBeLessThan(1.5);
    // The gap is marked: in the recording's metadata and in the file's tags, inside the file, lasting about the outage
    expect(meta.gaps).toHaveLength(1);
    const [gap] = meta.gaps as { startMs: number; endMs: number }[];
    expect(gap!.startMs).toBeGreaterThan(2_500);
    expect(gap!.endMs).toBeLessThan(durationSec * 1000 - 2_500);
    const tags = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags', '-of', 'json', file], { encoding: 'utf8' })).format.tags;
    expect(JSON.parse(tags.PARLEY_MEDIA_GAPS)).toEqual(meta.gaps);
  }, 150_000); // three joins, the crash, and a recording job (ffmpeg) that shares two cores with three pages
});
