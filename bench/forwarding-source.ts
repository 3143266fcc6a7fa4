/**
 * The publisher's media for bench:forwarding: a real VP8 + Opus RTP stream,
 * as a browser's camera and microphone would send, without encoding on the
 * shared cores while measuring. ffmpeg encodes a short clip once (kept in the
 * temp folder between runs), then sends it in a loop as RTP, copying the
 * packets (`-c copy`), at real time, to two loopback UDP ports here.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** What the clip is: a 720p camera at about 2 Mbit/s (around 200 video packets a second) and 48 kbit/s Opus at 20 ms. */
export const CLIP = { width: 1280, height: 720, fps: 30, videoKbps: 2000, audioKbps: 48, seconds: 6 } as const;
const CLIP_FILE = join(tmpdir(), `parley-bench-forwarding-${CLIP.width}x${CLIP.height}-${CLIP.videoKbps}k.webm`);

export type MediaKind = 'audio' | 'video';

export interface RtpSource {
  stop(): Promise<void>;
}

async function encodeClip(): Promise<string> {
  if (existsSync(CLIP_FILE)) return CLIP_FILE;
  const { width, height, fps, videoKbps, audioKbps, seconds } = CLIP;
  const v = `${videoKbps}k`;
  await promisify(execFile)('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds),
    // Constant bitrate, a key frame each second: what a browser sends in a steady call.
    '-c:v', 'libvpx', '-b:v', v, '-minrate', v, '-maxrate', v, '-g', String(fps), '-deadline', 'realtime', '-cpu-used', '8',
    '-c:a', 'libopus', '-b:a', `${audioKbps}k`, '-ac', '2', '-frame_duration', '20',
    CLIP_FILE,
  ]);
  return CLIP_FILE;
}

const bound = (): Promise<Socket> =>
  new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });

/** RTCP (payload types 192–223 in the second byte) that ffmpeg may send: not media. */
const isRtcp = (packet: Buffer) => (packet[1] ?? 0) >= 192 && (packet[1] ?? 0) <= 223;

/** Starts sending the clip's RTP in a loop; each packet goes to `onPacket`. */
export async function startRtpSource(onPacket: (kind: MediaKind, packet: Buffer) => void): Promise<RtpSource> {
  const clip = await encodeClip();
  const sockets = { video: await bound(), audio: await bound() };
  for (const kind of ['video', 'audio'] as const) {
    sockets[kind].on('message', (packet) => {
      if (!isRtcp(packet)) onPacket(kind, packet);
    });
  }
  const port = (kind: MediaKind) => sockets[kind].address().port;
  const ffmpeg: ChildProcess = spawn(
    'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-re', '-stream_loop', '-1', '-i', clip,
      '-map', '0:v', '-c', 'copy', '-f', 'rtp', `rtp://127.0.0.1:${port('video')}?pkt_size=1200`,
      '-map', '0:a', '-c', 'copy', '-f', 'rtp', `rtp://127.0.0.1:${port('audio')}?pkt_size=1200`,
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((done) => ffmpeg.once('exit', () => done()));
  return {
    async stop() {
      ffmpeg.kill('SIGTERM');
      await exited;
      for (const socket of Object.values(sockets)) socket.close();
    },
  };
}
