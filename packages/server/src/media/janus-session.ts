import { JanusHandle } from './janus-handle.ts';
import type { ConnectionStats } from './media-backend.ts';
import type { JanusMessage, JanusRequester, JanusSessionRef } from './janus-types.ts';
import type { Logger } from '../util/logger.ts';
import { TypedEmitter } from '@parley/protocol';
import { reportTo } from '../util/listener-errors.ts';

/** Janus drops sessions after 60 s of silence by default; we ping well before. */
const KEEPALIVE_MS = 25_000;

export interface JanusSessionEvents {
  /** Janus dropped the session itself (missed keepalives). */
  timeout: [];
  /** The connection to Janus closed; the session and its handles are gone. */
  closed: [];
  /** `destroy()` finished. */
  destroyed: [];
  /** Any of the three above: for owners that only need "this session is unusable". */
  gone: [];
}

/**
 * One Janus session: the keepalive that holds it open, and the handles
 * attached in it. The server keeps one per Janus node.
 */
export class JanusSession extends TypedEmitter<JanusSessionEvents> implements JanusSessionRef {
  readonly id: number;
  readonly client: JanusRequester;
  readonly log: Logger;
  readonly #handles = new Map<number, JanusHandle>();
  #keepalive: NodeJS.Timeout | undefined;
  #gone = false;
  #destroying: Promise<void> | undefined;

  /** Made by `JanusClient.createSession()`. */
  constructor(client: JanusRequester, id: number, log: Logger) {
    super(reportTo(log));
    this.client = client;
    this.id = id;
    this.log = log;
    this.#keepalive = setInterval(() => {
      this.client.request({ janus: 'keepalive', session_id: this.id }).catch((err: unknown) => {
        this.log.warn({ err }, 'janus keepalive failed');
      });
    }, KEEPALIVE_MS);
    // The keepalive alone must not keep the Node process running.
    this.#keepalive.unref();
  }

  get isAlive(): boolean {
    return !this.#gone;
  }

  /** Attaches a plugin handle, e.g. `attach('janus.plugin.videoroom')`. */
  async attach(plugin: string): Promise<JanusHandle> {
    const answer = await this.client.request({ janus: 'attach', session_id: this.id, plugin });
    const id = answer.data?.id;
    if (typeof id !== 'number') throw new Error('Janus attach answered without a handle id');
    const handle = new JanusHandle(this, id, plugin, this.log.child({ janusHandle: id }));
    this.#handles.set(id, handle);
    handle.on('detached', () => this.#handles.delete(id));
    return handle;
  }

  /** Destroys the session in Janus (detaching its handles). Idempotent, never rejects. */
  destroy(): Promise<void> {
    this.#destroying ??= (async () => {
      if (this.#gone) return;
      this.#stopKeepalive();
      try {
        await this.client.request({ janus: 'destroy', session_id: this.id });
      } catch (err) {
        this.log.debug({ err }, 'janus session destroy failed (already gone?)');
      }
      this.#end('destroyed');
    })();
    return this.#destroying;
  }

  /** Routes a message from the client to the handle it is for. */
  dispatch(msg: JanusMessage): void {
    if (msg.janus === 'timeout') {
      this.log.warn('janus timed the session out');
      this.#end('timeout');
      return;
    }
    const handle = msg.sender === undefined ? undefined : this.#handles.get(msg.sender);
    if (handle) handle.dispatch(msg);
    else this.log.debug({ janus: msg.janus, sender: msg.sender }, 'janus message for no known handle');
  }

  /** Janus's stats of one of this session's handles, from its event handler (janus-events-server.ts). */
  deliverStats(handleId: number, stats: ConnectionStats): void {
    this.#handles.get(handleId)?.dispatchStats(stats);
  }

  /** Called by the client when its socket closed. */
  connectionClosed(): void {
    this.#end('closed');
  }

  #stopKeepalive(): void {
    if (this.#keepalive) clearInterval(this.#keepalive);
    this.#keepalive = undefined;
  }

  #end(why: 'timeout' | 'closed' | 'destroyed'): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#stopKeepalive();
    for (const handle of [...this.#handles.values()]) handle.markDetached();
    this.#handles.clear();
    this.emit(why);
    this.emit('gone');
  }
}
