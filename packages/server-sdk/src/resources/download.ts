/**
 * Writes a response body to a file or a stream, counting bytes as they come,
 * so a download can show progress and be checked against Content-Length.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ParleyError } from '@parley/protocol';

export interface DownloadProgress {
  readonly receivedBytes: number;
  /** From Content-Length; null when the server did not say. */
  readonly totalBytes: number | null;
}

export interface DownloadOptions {
  /** Called for every chunk written. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels the download; a file written so far is removed. */
  signal?: AbortSignal;
}

export interface DownloadResult {
  readonly bytes: number;
  /** `video/webm` or `audio/webm`. */
  readonly mimeType: string | null;
}

/**
 * A file path (made or replaced; removed again if the download fails) or any
 * Writable, which is ended when the body is written.
 */
export type DownloadTarget = string | Writable;

export async function saveBody(response: Response, target: DownloadTarget, options: DownloadOptions, what: string): Promise<DownloadResult> {
  const length = response.headers.get('content-length');
  const totalBytes = length === null ? null : Number(length);
  const source = Readable.fromWeb((response.body ?? new ReadableStream()) as WebReadableStream<Uint8Array>);
  let sourceFailed = false;
  source.once('error', () => {
    sourceFailed = true;
  });
  let receivedBytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      receivedBytes += chunk.length;
      options.onProgress?.({ receivedBytes, totalBytes });
      done(null, chunk);
    },
  });
  const destination = typeof target === 'string' ? createWriteStream(target) : target;
  try {
    await pipeline(source, counter, destination, options.signal ? { signal: options.signal } : {});
    if (totalBytes !== null && receivedBytes !== totalBytes) {
      throw new ParleyError('NETWORK_ERROR', `${what}: the download ended after ${receivedBytes} of ${totalBytes} bytes`);
    }
  } catch (error) {
    if (typeof target === 'string') await rm(target, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    if (sourceFailed) throw new ParleyError('NETWORK_ERROR', `${what}: the download broke off after ${receivedBytes} bytes`, { cause: error });
    throw error; // the target's own failure (a full disk, a closed stream): not the server's
  }
  return { bytes: receivedBytes, mimeType: response.headers.get('content-type') };
}
