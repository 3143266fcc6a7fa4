/**
 * `/v1/recordings` (API key): a session's recordings, one recording, deleting
 * it, and its file. The client downloads the file with the API key in a
 * header; `playbackUrl` is for browsers, whose `<video src>` cannot send one.
 */
import { ParleyError, Recording, RecordingPage } from '@parley/protocol';
import type { HttpTransport } from '../http/transport.ts';
import { ROUTES } from '../routes.ts';
import { type DownloadOptions, type DownloadResult, type DownloadTarget, saveBody } from './download.ts';
import { eachItem, type PageOptions, pageQuery } from './paging.ts';

export type { Recording, RecordingPage };

export class Recordings {
  readonly #http: HttpTransport;

  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** One page of a session's recordings, oldest first. */
  list(sessionId: string, page?: PageOptions): Promise<RecordingPage> {
    return this.#http.json(ROUTES.listRecordings, { params: undefined, query: { sessionId, ...pageQuery(page) } }, RecordingPage);
  }

  /** Every recording of a session, oldest first, a page at a time. */
  all(sessionId: string): AsyncGenerator<Recording> {
    return eachItem((page) => this.list(sessionId, page));
  }

  /** Status, progress, duration, size, who started it. RECORDING_NOT_FOUND when there is none. */
  get(id: string): Promise<Recording> {
    return this.#http.json(ROUTES.getRecording, { params: { id } }, Recording);
  }

  /** Deletes the recording and its files; INVALID_STATE while it still records. */
  delete(id: string): Promise<void> {
    return this.#http.empty(ROUTES.deleteRecording, { params: { id } });
  }

  /**
   * An absolute URL of the file that opens this recording only, for an hour:
   * hand it to a browser for `<video src>`. RECORDING_NOT_READY until the file is made.
   */
  async playbackUrl(id: string): Promise<string> {
    const recording = await this.get(id);
    if (recording.playbackUrl === null) {
      throw new ParleyError('RECORDING_NOT_READY', `The recording is ${recording.status}`, { details: { status: recording.status } });
    }
    return this.#http.resolve(recording.playbackUrl);
  }

  /**
   * Streams the file to a path or a Writable, reporting progress. RECORDING_NOT_READY
   * while it records or processes; NETWORK_ERROR if the transfer breaks off.
   */
  async download(id: string, target: DownloadTarget, options: DownloadOptions = {}): Promise<DownloadResult> {
    const response = await this.#http.stream(ROUTES.downloadRecording, {
      params: { id },
      headers: { accept: '*/*' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return saveBody(response, target, options, `GET ${ROUTES.downloadRecording.path}`);
  }
}
