/** For tests: a webhook receiver on loopback that keeps every delivery and answers as told. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  body: string;
  signature: string | undefined;
  eventId: string | undefined;
  at: number;
}

export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  /** The status of each next answer, in turn; 200 once they run out. */
  readonly answers: number[] = [];
  #server: Server | undefined;

  private constructor(readonly port: number) {}

  /** Listens on `port` (0: any free one). */
  static async start(port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(port);
    await receiver.listen();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        this.received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: request.headers['parley-signature'] as string | undefined,
          eventId: request.headers['parley-event-id'] as string | undefined,
          at: Date.now(),
        });
        response.writeHead(this.answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((ok) => server.listen(this.port, '127.0.0.1', () => ok()));
    (this as { port: number }).port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops answering: connections are refused until `listen()` again (same port). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }

  /** The event types received, in order. */
  types(): string[] {
    return this.received.map((r) => (JSON.parse(r.body) as { type: string }).type);
  }
}
