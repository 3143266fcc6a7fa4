import { describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import { noopLogger } from '../util/logger.ts';
import { JanusHandle } from './janus-handle.ts';
import { JanusSubscriber } from './janus-subscriber.ts';
import type { JanusMessage } from './janus-types.ts';

const OFFER = { type: 'offer' as const, sdp: 'v=0 (offer)' };
const ANSWER = { type: 'answer' as const, sdp: 'v=0 (answer)' };

/** A Janus that records the plugin requests it gets, in order, and replies when the test says so. */
class ScriptedJanus {
  readonly sent: string[] = [];
  readonly #replies = new Map<string, (msg: JanusMessage) => void>();
  readonly id = 1;
  readonly client = {
    url: 'ws://scripted-janus',
    request: (msg: Record<string, unknown>): Promise<JanusMessage> => {
      const request = String((msg.body as { request?: unknown } | undefined)?.request ?? msg.janus);
      this.sent.push(request);
      return new Promise((resolve) => this.#replies.set(request, resolve));
    },
  };

  reply(request: string, msg: Partial<JanusMessage> = {}): void {
    this.#replies.get(request)?.({ janus: 'event', plugindata: { plugin: 'janus.plugin.videoroom', data: {} }, ...msg });
  }
}

describe('JanusSubscriber', () => {
  it("sends a join's first video settings in turn, but does not hold the browser's answer until Janus replies to them", async () => {
    const janus = new ScriptedJanus();
    const subscriber = new JanusSubscriber(new JanusHandle(janus, 7, 'janus.plugin.videoroom', noopLogger), 1234);
    const joined = subscriber.subscribe([{ feedId: 1 }]);
    await until(() => janus.sent.includes('join'), 'join sent');
    janus.reply('join', { jsep: OFFER, plugindata: { plugin: 'janus.plugin.videoroom', data: { streams: [{ mid: '0', type: 'video', feed_id: 1 }] } } });
    expect((await joined).offer).toEqual(OFFER);

    const video = subscriber.setVideo([{ mid: '0', send: true, layer: 2 }]);
    const answered = subscriber.answer(ANSWER);
    // Janus has not replied to the configure: the answer's `start` is on its way all the same, after it.
    await until(() => janus.sent.includes('start'), 'start sent');
    expect(janus.sent).toEqual(['join', 'configure', 'start']);

    janus.reply('start');
    await answered;
    let videoSet = false;
    void video.then(() => {
      videoSet = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(videoSet).toBe(false); // its caller still learns when Janus took the settings
    janus.reply('configure');
    await video;
  });
});
