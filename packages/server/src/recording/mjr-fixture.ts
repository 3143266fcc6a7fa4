/**
 * Test support, not used by the server: makes Janus-style `.mjr` recordings
 * without a browser. ffmpeg encodes a test pattern (VP8) or a tone (Opus) and
 * sends it as RTP to a loopback UDP port; each packet is written in Janus's
 * MJR v2 framing ("MJR00002", JSON header, then "MEET" + ms + length + RTP).
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';

export interface MjrFixture {
  file: string;
  kind: 'audio' | 'video';
  /** Wall-clock start of the stream (what Janus writes as `u`), ms since the epoch. */
  startMs: number;
  seconds: number;
  /** Video size; default 640x480. */
  size?: string;
  /** Sizes one after another instead (equal parts, each starting with a key frame), as a camera that changes resolution. */
  sizes?: string[];
  /** How many times faster than real time ffmpeg sends (RTP timestamps stay true); default 4. */
  speed?: number;
}

export async function writeMjr(f: MjrFixture): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const packets: Buffer[] = [];
  socket.on('message', (msg) => packets.push(Buffer.from(msg)));
  const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', '-g', '40'];
  const source =
    f.kind === 'audio'
      ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${f.seconds}`, '-ac', '2', '-c:a', 'libopus', '-b:a', '32k', '-payload_type', '111']
      : f.sizes
        ? ['-f', 'concat', '-safe', '0', '-i', await segments(f.file, f.sizes, f.seconds / f.sizes.length, vp8), '-c:v', 'copy', '-payload_type', '96']
        : ['-f', 'lavfi', '-i', `testsrc=size=${f.size ?? '640x480'}:rate=20:duration=${f.seconds}`, ...vp8, '-payload_type', '96'];
  // Paced, so the UDP socket keeps up; the RTP timestamps carry the real timing either way.
  const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-readrate', String(f.speed ?? 4), ...source, '-f', 'rtp', `rtp://127.0.0.1:${port}?pkt_size=1200`], { stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise<void>((resolve, reject) => ff.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`)))));
  await new Promise((r) => setTimeout(r, 100));
  socket.close();

  const header = Buffer.from(JSON.stringify({ t: f.kind === 'video' ? 'v' : 'a', c: f.kind === 'video' ? 'vp8' : 'opus', s: f.startMs * 1000, u: f.startMs * 1000 }));
  const parts: Buffer[] = [Buffer.from('MJR00002'), u16(header.length), header];
  const frameMs = (i: number) => Math.round((i / Math.max(1, packets.length)) * f.seconds * 1000);
  packets.forEach((p, i) => {
    const ts = Buffer.alloc(4);
    ts.writeUInt32BE(frameMs(i));
    parts.push(Buffer.from('MEET'), ts, u16(p.length), p);
  });
  writeFileSync(f.file, Buffer.concat(parts));
}

/** One VP8 WebM per size, and a concat list of them (next to `file`); returns the list's path. */
async function segments(file: string, sizes: string[], seconds: number, codec: string[]): Promise<string> {
  const lines: string[] = [];
  for (const [i, size] of sizes.entries()) {
    const part = `${file}.part${i}.webm`;
    await ffmpeg(['-f', 'lavfi', '-i', `testsrc=size=${size}:rate=20:duration=${seconds}`, ...codec, '-y', part]);
    lines.push(`file '${part}'`);
  }
  const list = `${file}.parts.txt`;
  writeFileSync(list, `${lines.join('\n')}\n`);
  return list;
}

function ffmpeg(args: string[]): Promise<void> {
  const ff = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) => ff.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`)))));
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
