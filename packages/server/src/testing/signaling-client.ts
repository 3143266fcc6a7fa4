/** For integration tests: a plain signaling client that records every frame it gets. */
import WebSocket from 'ws';

type Frame = any;

/** A signaling client that records every frame it gets. */
export class TestSignalingClient {
  readonly frames: Frame[] = [];
  #next = 0;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(d.toString())));
  }
  /** `options` go to `ws` (`autoPong: false`: a client that no longer answers pings). */
  static async open(serverUrl: string, options: WebSocket.ClientOptions = {}): Promise<TestSignalingClient> {
    const ws = new WebSocket(`${serverUrl.replace('http', 'ws')}/v1/ws`, options);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new TestSignalingClient(ws);
  }
  async request(type: string, params: unknown): Promise<Frame> {
    const id = `r${++this.#next}`;
    this.ws.send(JSON.stringify({ id, type, params }));
    return this.response(id);
  }
  async response(id: string): Promise<Frame> {
    for (let i = 0; i < 200; i++) {
      const frame = this.frames.find((f) => f.type === 'response' && f.id === id);
      if (frame) return frame;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no response to ${id}`);
  }
  events(name: string): Frame[] {
    return this.frames.filter((f) => f.type === 'event' && f.event === name);
  }
  close() {
    this.ws.close();
  }
}

