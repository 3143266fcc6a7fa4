/**
 * The server made the session's media room again (its media server
 * restarted, or the server itself did) and said `media.restart`: our
 * publisher and subscriber connections lead nowhere now. Both are replaced —
 * new peer connections, since a new media server needs a new DTLS handshake —
 * with the same local tracks, so a muted microphone or paused camera stays so.
 * The session is not left: the app hears onReconnecting, then onReconnected
 * once our media flows again (or onError when it does not in time). The same
 * replacement follows ICE restarts that did not bring a connection back in
 * time; then the server is told first (`media.replace`), as it made nothing anew.
 */
import { ParleyError } from '@parley/protocol';
import type { PeerConnection } from '../media/peer-connection.ts';
import type { Logger } from '../util/logger.ts';

export interface MediaRestartSteps {
  /** Closes both connections and opens a new subscriber, ready for the server's next offer. */
  replaceConnections(): void;
  /** Our own replacement (ICE restarts gave up): tells the server, before publishing, that the old connections are gone. */
  tellServer?(): Promise<unknown>;
  /** Publishes our current tracks on a new publisher connection; resolves with it once the server answered. */
  publishAgain(): Promise<PeerConnection>;
  /** False once the session is ending. */
  stillWanted(): boolean;
  /** Absent when the app was told already (a resume that found the media room made anew: one onReconnecting per outage). */
  reconnecting?(): void;
  reconnected(): void;
  failed(error: ParleyError): void;
  /** How long our media may take to flow again (ms). */
  timeoutMs: number;
  log: Logger;
}

export async function restartMedia(steps: MediaRestartSteps): Promise<void> {
  steps.log.info('publishing and subscribing again on new connections');
  steps.reconnecting?.();
  try {
    steps.replaceConnections();
    await steps.tellServer?.();
    const publisher = await steps.publishAgain();
    await connected(publisher, steps.timeoutMs);
    if (steps.stillWanted()) steps.reconnected();
  } catch (error) {
    if (!steps.stillWanted()) return;
    steps.log.error('publishing again failed', error);
    steps.failed(error instanceof ParleyError ? error : new ParleyError('MEDIA_ERROR', 'Our media could not be sent again', { cause: error }));
  }
}

/** Resolves once the connection is up; rejects when it fails, closes or takes longer than `timeoutMs`. */
function connected(connection: PeerConnection, timeoutMs: number): Promise<void> {
  if (connection.state === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: ParleyError) => {
      clearTimeout(timer);
      off();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => done(new ParleyError('MEDIA_ERROR', 'Our media did not flow again in time')), timeoutMs);
    const off = connection.on('stateChanged', (state) => {
      if (state === 'connected') done();
      else if (state === 'failed' || state === 'closed') done(new ParleyError('MEDIA_ERROR', `Our media connection ${state} after the media restart`));
    });
  });
}
