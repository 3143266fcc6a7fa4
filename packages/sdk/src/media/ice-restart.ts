/**
 * ICE restart of one peer connection when its network path is lost, while the
 * participant stays in the call (nobody sees a leave or a join).
 *
 * A path counts as lost when the connection is `failed`, `disconnected` for
 * longer than a moment, or still `connected` while nothing at all arrives
 * from Janus (receiving: its media, unless everyone is muted; sending: its
 * RTCP feedback): after a 10 s outage or an address change Chromium keeps the
 * old pair "connected" while Janus stopped sending on it (NAT testbed). A
 * network change the browser reports (`online`, `navigator.connection`
 * `change`) restarts at once. Each attempt asks the server for a restart
 * (publisher: our offer with `iceRestart`; subscriber: a new offer from Janus),
 * paced by `delaysMs`; the path counts as back once the connection is
 * `connected` and bytes from Janus arrive again (receiving: media; sending:
 * Janus's RTCP feedback, for `connected` alone can be the old, dead pair
 * after an address change). Past `giveUpAfterMs`
 * the session falls back to replacing both connections (`giveUp`).
 */
import type { PeerTarget } from '@parley/protocol';
import type { Logger } from '../util/logger.ts';
import type { PeerConnectionLike } from './media-handler.ts';

export interface IceRestartTimings {
  /** How long `disconnected` may last before a restart. */
  disconnectedMs: number;
  /** Receiving: how long a `connected` connection may receive nothing at all (RTP, RTCP, STUN) before a restart. */
  silentMs: number;
  /** An attempt whose restart got no answer this long makes way for the next (its socket may be dead). */
  attemptTimeoutMs: number;
  /** How often the connection's state and byte counter are read. */
  pollMs: number;
  /** The pause before each restart attempt while the path is still lost (the last repeats). */
  delaysMs: readonly number[];
  /** No more attempts after this long: the session replaces the connections instead. */
  giveUpAfterMs: number;
}

export interface IceRestartSteps {
  readonly target: PeerTarget;
  readonly pc: PeerConnectionLike;
  /** One restart through the server; resolves when the server took it. */
  restart(): Promise<void>;
  /** The path is lost, a restart begins (onMediaReconnecting). */
  reconnecting(): void;
  /** Media flows again (onMediaReconnected). */
  reconnected(): void;
  /** Restarts did not bring it back in time. */
  giveUp(): void;
  /** Before each attempt: the session checks that its signaling socket still carries requests. */
  lost?(): void;
  /**
   * Receiving: whether anyone sends us media now. While everyone else is muted Janus sends nothing,
   * and silence proves nothing; absent: always.
   */
  expectsMedia?(): boolean;
  log: Logger;
  now?: () => number;
}

/** Total bytes received on the connection's transports (everything Janus sends: RTP, RTCP, STUN answers). */
export async function bytesReceived(pc: PeerConnectionLike): Promise<number> {
  let total = 0;
  const report = await pc.getStats();
  report.forEach((s: { type: string; bytesReceived?: number }) => {
    if (s.type === 'transport') total += s.bytesReceived ?? 0;
  });
  return total;
}

/** One restart, from the path's loss until it is back: since when, how many attempts, when the next may start. */
interface Restart {
  since: number;
  attempts: number;
  nextAt: number;
  inFlight: boolean;
  bytesAtStart: number;
}

export class IceRestarter {
  readonly #steps: IceRestartSteps;
  readonly #t: IceRestartTimings;
  readonly #now: () => number;
  readonly #timer: ReturnType<typeof setInterval>;
  #disconnectedSince: number | undefined;
  #lastBytes = 0;
  #bytesChangedAt: number;
  /** Silence counts from here at the earliest: the last moment nobody was expected to send us media. */
  #mediaExpectedSince: number;
  /** Set while restarting. */
  #restart: Restart | undefined;
  #polling = false;
  #closed = false;

  constructor(steps: IceRestartSteps, timings: IceRestartTimings) {
    this.#steps = steps;
    this.#t = timings;
    this.#now = steps.now ?? Date.now;
    this.#bytesChangedAt = this.#now();
    this.#mediaExpectedSince = this.#bytesChangedAt;
    this.#timer = setInterval(() => void this.#poll(), timings.pollMs);
  }

  get restarting(): boolean {
    return this.#restart !== undefined;
  }

  /** The browser reports a network change, or our socket came back: the path may be gone, restart now. */
  networkChanged(reason: string): void {
    if (this.#closed || this.#steps.pc.connectionState === 'new') return;
    this.#steps.log.info(`${this.#steps.target}: network changed (${reason}), restarting ICE`);
    this.#begin();
    if (this.#restart && !this.#restart.inFlight) this.#restart.nextAt = this.#now();
    void this.#poll();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  async #poll(): Promise<void> {
    if (this.#closed || this.#polling) return;
    this.#polling = true;
    try {
      await this.#check();
    } catch (error) {
      this.#steps.log.debug('ICE watch failed', error);
    } finally {
      this.#polling = false;
    }
  }

  async #check(): Promise<void> {
    const { pc, target } = this.#steps;
    const state = pc.connectionState;
    const now = this.#now();
    if (state === 'closed') return this.close();
    this.#disconnectedSince = state === 'disconnected' ? (this.#disconnectedSince ?? now) : undefined;
    const receiving = target === 'subscriber';
    const bytes = await bytesReceived(pc);
    if (bytes !== this.#lastBytes) {
      this.#lastBytes = bytes;
      this.#bytesChangedAt = now;
    }
    if (receiving && !(this.#steps.expectsMedia?.() ?? true)) this.#mediaExpectedSince = now;
    if (this.#restart) return this.#continue(state, now, receiving);
    // Sending, what comes back is Janus's RTCP feedback on our media (every second while it receives it).
    const quietSince = receiving ? Math.max(this.#bytesChangedAt, this.#mediaExpectedSince) : this.#bytesChangedAt;
    const lost =
      state === 'failed' ||
      (this.#disconnectedSince !== undefined && now - this.#disconnectedSince >= this.#t.disconnectedMs) ||
      (state === 'connected' && this.#lastBytes > 0 && now - quietSince >= this.#t.silentMs);
    if (lost) {
      this.#steps.log.info(`${target}: media path lost (${state}), restarting ICE`);
      this.#begin();
      await this.#continue(state, now, receiving);
    }
  }

  #begin(): void {
    if (this.#restart) return;
    this.#restart = { since: this.#now(), attempts: 0, nextAt: this.#now(), inFlight: false, bytesAtStart: this.#lastBytes };
    this.#steps.reconnecting();
  }

  async #continue(state: RTCPeerConnectionState, now: number, receiving: boolean): Promise<void> {
    const restart = this.#restart;
    if (!restart) return;
    // Bytes from Janus prove the path, `connected` alone does not: after an address change Chromium
    // calls the sending connection `connected` again on its old pair, which Janus no longer answers
    // (NAT testbed). Sending, what comes back is Janus's RTCP feedback on our media: less often than media.
    // An attempt still in flight does not hold the news back: it may have gone out on a socket that died
    // with the link, and waits out its timeout; its answer, if any, restarts a working path, harmlessly.
    const recentMs = receiving ? this.#t.pollMs * 2 : this.#t.silentMs / 2;
    const flowing = this.#lastBytes > restart.bytesAtStart && now - this.#bytesChangedAt < recentMs;
    if (restart.attempts > 0 && state === 'connected' && flowing) {
      this.#restart = undefined;
      this.#steps.log.info(`${this.#steps.target}: media back ${now - restart.since} ms after it was lost`);
      this.#steps.reconnected();
      return;
    }
    if (now - restart.since >= this.#t.giveUpAfterMs) {
      this.#restart = undefined;
      this.#steps.log.warn(`${this.#steps.target}: ICE did not come back in ${this.#t.giveUpAfterMs} ms`);
      this.#steps.giveUp();
      return;
    }
    if (restart.inFlight || now < restart.nextAt) return;
    // Not awaited: the watch goes on reading the connection while the attempt waits for its answer.
    void this.#attempt(restart);
  }

  async #attempt(restart: Restart): Promise<void> {
    restart.inFlight = true;
    restart.attempts++;
    this.#steps.lost?.();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${this.#t.attemptTimeoutMs} ms`)), this.#t.attemptTimeoutMs);
      });
      await Promise.race([this.#steps.restart(), timeout]);
    } catch (error) {
      this.#steps.log.debug(`${this.#steps.target}: ICE restart attempt ${restart.attempts} failed`, error);
    } finally {
      clearTimeout(timer);
      restart.inFlight = false;
      const delays = this.#t.delaysMs;
      restart.nextAt = this.#now() + (delays[Math.min(restart.attempts, delays.length - 1)] ?? 1_000);
    }
  }
}
