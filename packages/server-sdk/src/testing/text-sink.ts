/** Test support: a Writable that keeps what is written, standing in for stdout, stderr or a terminal. */
import { Writable } from 'node:stream';

export type TextSink = Writable & { isTTY: boolean; text(): string; bytes(): Buffer };

export function textSink(options: { isTTY?: boolean } = {}): TextSink {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return Object.assign(sink, {
    isTTY: options.isTTY ?? false,
    text: () => Buffer.concat(chunks).toString(),
    bytes: () => Buffer.concat(chunks),
  });
}
