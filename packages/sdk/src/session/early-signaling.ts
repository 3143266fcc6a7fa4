/**
 * A signaling socket opened before the session that will use it, as hosted
 * SDKs keep one from login: `generateToken` opens it while the token is
 * fetched, and the next session adopts it instead of opening its own, so the
 * socket's handshake is off the join path. One at a time; unused, it is
 * closed after `idleMs`; one that fails is forgotten (the session then opens
 * its own, as without it).
 */
import type { SignalingClient } from './signaling-client.ts';

export class EarlySignaling {
  #client: SignalingClient | undefined;
  #opened: Promise<boolean> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #newClient: () => SignalingClient;
  readonly #idleMs: number;

  constructor(newClient: () => SignalingClient, idleMs: number) {
    this.#newClient = newClient;
    this.#idleMs = idleMs;
  }

  /** Opens a socket unless one is open or opening (then it is kept for another `idleMs`). */
  open(): void {
    if (!this.#client) {
      let client: SignalingClient;
      try {
        client = this.#newClient();
      } catch {
        return; // no WebSocket here: the session's own attempt reports it
      }
      this.#client = client;
      this.#opened = client.connect().then(
        () => true,
        () => false,
      );
      client.on('@close', () => {
        if (this.#client === client) this.#forget();
      });
    }
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => this.close(), this.#idleMs);
  }

  /**
   * Hands the socket over, resolving once it is open (undefined when it failed or
   * closed meanwhile); from then on it is the caller's to close. Undefined: none.
   */
  take(): Promise<SignalingClient | undefined> | undefined {
    const client = this.#client;
    const opened = this.#opened;
    if (!client || !opened) return undefined;
    this.#forget();
    return opened.then((open) => (open && client.isOpen ? client : undefined));
  }

  /** Closes the socket not handed over, if any. */
  close(): void {
    const client = this.#client;
    this.#forget();
    client?.close(1000, 'unused');
  }

  #forget(): void {
    clearTimeout(this.#idleTimer);
    this.#client = undefined;
    this.#opened = undefined;
  }
}
