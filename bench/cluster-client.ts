/**
 * A signaling client for bench/cluster.ts: one WebSocket, `join` and `leave`
 * only (receive-only: it publishes nothing, so it needs no WebRTC), each
 * request timed from send to response. Events the server pushes are ignored.
 */
import WebSocket from 'ws';

export interface Answer {
  ok: boolean;
  ms: number;
  /** The error code when not ok. */
  code?: string;
}

export class BenchSignalingClient {
  readonly #pending = new Map<string, { sentAt: number; done: (a: Answer) => void }>();
  #next = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type !== 'response') return;
      const waiting = this.#pending.get(frame.id);
      if (!waiting) return;
      this.#pending.delete(frame.id);
      waiting.done({ ok: frame.ok, ms: performance.now() - waiting.sentAt, ...(frame.ok ? {} : { code: frame.error?.code }) });
    });
    ws.on('close', () => {
      for (const [id, waiting] of this.#pending) {
        this.#pending.delete(id);
        waiting.done({ ok: false, ms: performance.now() - waiting.sentAt, code: 'SOCKET_CLOSED' });
      }
    });
  }

  /** Opens the socket (not counted in any request's time). */
  static async open(serverUrl: string): Promise<BenchSignalingClient> {
    const ws = new WebSocket(`${serverUrl.replace('http', 'ws')}/v1/ws`);
    await new Promise((ok, fail) => ws.once('open', ok).once('error', fail));
    return new BenchSignalingClient(ws);
  }

  request(type: 'join' | 'leave', params: unknown, timeoutMs = 30_000): Promise<Answer> {
    const id = `b${++this.#next}`;
    const sentAt = performance.now();
    return new Promise((done) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        done({ ok: false, ms: performance.now() - sentAt, code: 'TIMEOUT' });
      }, timeoutMs);
      this.#pending.set(id, {
        sentAt,
        done: (a) => {
          clearTimeout(timer);
          done(a);
        },
      });
      this.ws.send(JSON.stringify({ id, type, params }));
    });
  }

  close(): void {
    this.ws.close();
  }
}
