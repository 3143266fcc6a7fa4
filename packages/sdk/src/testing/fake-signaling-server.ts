/**
 * A scripted /v1/ws for Node tests: records every request, answers with the
 * handler a test gives per type (or a default), and pushes events on demand.
 */
import type { AddressInfo } from 'node:net';
import type { ServerEventName, ServerEvents } from '@parley/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

export interface ReceivedRequest {
  id: string;
  type: string;
  params: Record<string, unknown>;
}

/** What a handler returns: a result, an error, or `'silent'` to never answer. */
export type Reply = { result: unknown } | { error: { code: string; message: string } } | 'silent';
export type Handler = (params: Record<string, unknown>, request: ReceivedRequest) => Reply | Promise<Reply>;

export class FakeSignalingServer {
  readonly requests: ReceivedRequest[] = [];
  readonly handlers = new Map<string, Handler>();
  readonly sockets: WebSocket[] = [];
  connections = 0;
  #wss: WebSocketServer;
  #waiters: Array<{ type: string; resolve: (r: ReceivedRequest) => void }> = [];

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    wss.on('connection', (socket) => {
      this.connections++;
      this.sockets.push(socket);
      socket.on('message', (data) => void this.#onMessage(socket, data.toString()));
    });
  }

  static async start(): Promise<FakeSignalingServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/ws' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    return new FakeSignalingServer(wss);
  }

  get url(): string {
    const { port } = this.#wss.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  on(type: string, handler: Handler): this {
    this.handlers.set(type, handler);
    return this;
  }

  push<E extends ServerEventName>(event: E, data: ServerEvents[E]): void {
    for (const s of this.sockets) s.send(JSON.stringify({ type: 'event', event, data }));
  }

  /** Resolves with the next request of `type` that arrives from now on. */
  next(type: string): Promise<ReceivedRequest> {
    return new Promise((resolve) => this.#waiters.push({ type, resolve }));
  }

  received(type: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.type === type);
  }

  /** Drops every connection without a close handshake, as a crashed server would. */
  dropAll(): void {
    for (const s of this.sockets) s.terminate();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  async #onMessage(socket: WebSocket, text: string): Promise<void> {
    const request = JSON.parse(text) as ReceivedRequest;
    request.params ??= {};
    this.requests.push(request);
    const waiters = this.#waiters.filter((w) => w.type === request.type);
    this.#waiters = this.#waiters.filter((w) => w.type !== request.type);
    for (const w of waiters) w.resolve(request);
    const handler = this.handlers.get(request.type);
    const reply = handler ? await handler(request.params, request) : { result: {} };
    if (reply === 'silent' || socket.readyState !== socket.OPEN) return;
    const frame = 'error' in reply ? { type: 'response', id: request.id, ok: false, error: reply.error } : { type: 'response', id: request.id, ok: true, result: reply.result };
    socket.send(JSON.stringify(frame));
  }
}
