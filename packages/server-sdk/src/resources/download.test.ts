import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isParleyError } from '@parley/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { type DownloadProgress, saveBody } from './download.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-download-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A body sent in chunks; `breakAfter` chunks, the connection drops. */
function body(chunks: string[], options: { length?: number; breakAfter?: number } = {}): Response {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.breakAfter !== undefined && sent === options.breakAfter) return controller.error(new TypeError('terminated'));
      const chunk = chunks[sent++];
      if (chunk === undefined) return controller.close();
      controller.enqueue(new TextEncoder().encode(chunk));
    },
  });
  const length = options.length ?? chunks.join('').length;
  return new Response(stream, { headers: { 'content-length': String(length), 'content-type': 'video/webm' } });
}

describe('saving a download', () => {
  it('writes the file and reports each chunk against the total', async () => {
    const file = join(dir, 'whole.webm');
    const progress: DownloadProgress[] = [];
    const saved = await saveBody(body(['abc', 'defg']), file, { onProgress: (p) => progress.push(p) }, 'test');
    expect(saved).toEqual({ bytes: 7, mimeType: 'video/webm' });
    expect(readFileSync(file, 'utf8')).toBe('abcdefg');
    expect(progress).toEqual([
      { receivedBytes: 3, totalBytes: 7 },
      { receivedBytes: 7, totalBytes: 7 },
    ]);
  });

  it('a transfer that breaks off is NETWORK_ERROR, and the partial file is removed', async () => {
    const file = join(dir, 'broken.webm');
    const error = await saveBody(body(['abc', 'def'], { breakAfter: 1 }), file, {}, 'test').catch((e: unknown) => e);
    expect(isParleyError(error, 'NETWORK_ERROR')).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('a body shorter than its Content-Length is NETWORK_ERROR', async () => {
    const file = join(dir, 'short.webm');
    const error = await saveBody(body(['abc'], { length: 10 }), file, {}, 'test').catch((e: unknown) => e);
    expect(isParleyError(error, 'NETWORK_ERROR')).toBe(true);
    expect((error as Error).message).toMatch(/after 3 of 10 bytes/);
    expect(existsSync(file)).toBe(false);
  });

  it('a target that cannot be written fails with its own error, not a Parley one', async () => {
    const error = await saveBody(body(['abc']), join(dir, 'no', 'such', 'dir.webm'), {}, 'test').catch((e: unknown) => e);
    expect(isParleyError(error)).toBe(false);
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
  });
});
