/**
 * Who speaks, as the server hears it: three people in a call, two of them
 * muted. Janus's audio levels (its `talking` events) reach the server, which
 * names the one who is not muted; each SDK reports them with
 * onActiveSpeakerChanged, and the default UI highlights their tile — nothing
 * is analysed in the page. When the speaker mutes and someone else unmutes,
 * the speaker moves to them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, openCallPage, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Joins, then keeps every onActiveSpeakerChanged in `window.speakers` (a uid, or null for nobody). */
async function join(uid: string, sessionId: string, settings: Parameters<typeof startCall>[2]): Promise<CallPage> {
  const call = await openCallPage(stack, uid);
  await startCall(call, sessionId, settings);
  await call.page.evaluate(() => {
    const w = window as any;
    w.speakers = [];
    w.session.on('onActiveSpeakerChanged', (user: { uid: string } | null) => w.speakers.push(user ? user.uid : null));
  });
  return call;
}

const speakersHeard = (call: CallPage): Promise<Array<string | null>> => call.page.evaluate(() => (window as any).speakers);
const speakerNow = (call: CallPage): Promise<string | null> => call.page.evaluate(() => (window as any).session.activeSpeaker?.uid ?? null);
const highlighted = (call: CallPage): Promise<string[]> =>
  call.page.locator('#call [data-tile][data-speaking=true]').evaluateAll((tiles) => tiles.map((t) => (t as HTMLElement).dataset.uid!));

describe('the active speaker', () => {
  it('is the one person not muted, for the others; it moves when they mute and another speaks', async () => {
    const muted = { setters: { setStartAudioMuted: true } };
    const alice = await join('alice', 'speaker-1', { ...muted, defaultLayout: true });
    const bob = await join('bob', 'speaker-1', muted);
    const carol = await join('carol', 'speaker-1', {});
    // Audio really arrives from the two others (the speaker is decided from it).
    for (const call of [alice, bob]) {
      await eventually(() => stats(call), (s) => s.inboundAudioStreams >= 2, 20_000, `${call.uid} receiving two audio streams`);
    }

    for (const call of [alice, bob]) {
      await eventually(() => speakerNow(call), (uid) => uid === 'carol', 15_000, `carol as the speaker for ${call.uid}`);
      expect((await speakersHeard(call)).at(-1)).toBe('carol');
      // Nobody muted was ever named.
      expect((await speakersHeard(call)).filter((uid) => uid === 'alice' || uid === 'bob')).toEqual([]);
    }
    expect(await highlighted(alice)).toEqual(['carol']);
    expect(await alice.page.locator('#call [data-parley=default]').getAttribute('data-active-speaker')).toBe('carol');

    // Carol falls silent, Bob speaks up.
    await carol.page.evaluate(() => (window as any).session.audioMuted(true));
    await bob.page.evaluate(() => (window as any).session.audioMuted(false));
    for (const call of [alice, carol]) {
      await eventually(() => speakerNow(call), (uid) => uid === 'bob', 15_000, `bob as the speaker for ${call.uid}`);
    }
    expect(await highlighted(alice)).toEqual(['bob']);
    expect((await speakersHeard(alice)).filter((uid) => uid === 'alice')).toEqual([]);

    for (const call of [alice, bob, carol]) {
      await call.page.evaluate(() => (window as any).session.endSession());
      await call.context.close();
    }
  }, 90_000);
});
