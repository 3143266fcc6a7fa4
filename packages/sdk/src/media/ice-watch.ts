/**
 * Watches both peer connections of a session for a lost network path and
 * restarts ICE on the one that lost it (ice-restart.ts), and tells each
 * watcher about network changes the browser reports (`online`, a
 * `navigator.connection` change) and about a resumed signaling socket.
 */
import type { PeerTarget } from '@parley/protocol';
import { DEFAULTS } from '../defaults.ts';
import type { Logger } from '../util/logger.ts';
import { IceRestarter } from './ice-restart.ts';
import type { PeerConnectionLike } from './media-handler.ts';

/** What a watched connection offers: its browser connection and one ICE restart through the server. */
export interface RestartableConnection {
  readonly target: PeerTarget;
  readonly pc: PeerConnectionLike;
  restartIce(): Promise<void>;
}

export interface IceWatchOptions {
  reconnecting(connection: PeerTarget): void;
  reconnected(connection: PeerTarget): void;
  /** ICE did not come back within the reconnect window: replace the connections. */
  giveUp(connection: PeerTarget): void;
  /** A path was lost or the network changed: is the signaling socket still alive? (drops it if not) */
  checkSignaling(): void;
  /** The browser reported a network change (the session's resume attempts, if any, try at once). */
  networkChanged(): void;
  /** Whether anyone else sends us media now (not everyone muted): the receiving connection's silence means something only then. */
  expectsMedia(): boolean;
  log: Logger;
}

type NetworkInformationLike = EventTarget;

export class IceWatch {
  readonly #opts: IceWatchOptions;
  readonly #restarters = new Map<PeerTarget, IceRestarter>();
  readonly #unlisten: Array<() => void> = [];

  constructor(opts: IceWatchOptions) {
    this.#opts = opts;
    const onChange = (reason: string) => () => {
      opts.networkChanged();
      for (const r of this.#restarters.values()) r.networkChanged(reason);
    };
    const win = globalThis as unknown as Partial<EventTarget>;
    if (typeof win.addEventListener === 'function' && typeof window !== 'undefined') {
      const online = onChange('online');
      window.addEventListener('online', online);
      this.#unlisten.push(() => window.removeEventListener('online', online));
    }
    const connection = (globalThis.navigator as { connection?: NetworkInformationLike } | undefined)?.connection;
    if (connection && typeof connection.addEventListener === 'function') {
      const changed = onChange('connection change');
      connection.addEventListener('change', changed);
      this.#unlisten.push(() => connection.removeEventListener('change', changed));
    }
  }

  /** Watches `connection` (in place of an earlier one for the same target). */
  watch(connection: RestartableConnection): void {
    this.#restarters.get(connection.target)?.close();
    const { target } = connection;
    const restarter = new IceRestarter(
      {
        target,
        pc: connection.pc,
        restart: () => connection.restartIce(),
        reconnecting: () => this.#opts.reconnecting(target),
        reconnected: () => this.#opts.reconnected(target),
        giveUp: () => this.#opts.giveUp(target),
        lost: () => this.#opts.checkSignaling(),
        ...(target === 'subscriber' ? { expectsMedia: () => this.#opts.expectsMedia() } : {}),
        log: this.#opts.log,
      },
      DEFAULTS.iceRestart,
    );
    this.#restarters.set(target, restarter);
  }

  /** Our socket is back: a restart waiting for its next attempt (its requests could not go out) tries now. */
  resumed(): void {
    for (const r of this.#restarters.values()) if (r.restarting) r.networkChanged('signaling resumed');
  }

  close(): void {
    for (const r of this.#restarters.values()) r.close();
    this.#restarters.clear();
    for (const off of this.#unlisten.splice(0)) off();
  }
}
