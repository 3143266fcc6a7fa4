/**
 * The live state follows a session from its domain events, in order, off the
 * join path: a join, a mute, a recording, a leave and the end each become a
 * write of the store, and `settled()` waits for the last of them.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LiveSessionsStore } from '../store/live-sessions-store.ts';
import { sessionOnFakeMedia } from '../testing/session-harness.ts';
import { LiveStateWriter } from './live-state-writer.ts';

/** A store that notes each write (and takes a moment, as a database does). */
function notingStore(): { store: LiveSessionsStore; writes: string[] } {
  const writes: string[] = [];
  const note = (what: string) => async () => {
    await new Promise((r) => setTimeout(r, 5));
    writes.push(what);
  };
  const store = {
    sessionLive: note('session live'),
    mediaChanged: note('media changed'),
    sessionGone: note('session gone'),
    participantIn: async (_: string, p: { uid: string; audioMuted: boolean }) => note(`${p.uid} in (muted ${p.audioMuted})`)(),
    participantChanged: async (_: string, uid: string, p: { audioMuted: boolean }) => note(`${uid} changed (muted ${p.audioMuted})`)(),
    participantGone: async (_: string, uid: string) => note(`${uid} gone`)(),
    recordingChanged: async (_: string, r: { id: string } | null) => note(`recording ${r?.id ?? 'none'}`)(),
  } as unknown as LiveSessionsStore;
  return { store, writes };
}

describe('the live state writer', () => {
  it("writes a session's changes in order, and settles once they are all written", async () => {
    const { session, events, join } = sessionOnFakeMedia();
    const { store, writes } = notingStore();
    const writer = new LiveStateWriter(store, pino({ level: 'silent' }));
    writer.observe(events);

    const { participant: ann } = await join('ann', { audioMuted: true });
    const { participant: ben } = await join('ben');
    await session.mute(ben, { audioMuted: true });
    await session.startRecording(ann, () => ({ id: 'rec-1', dir: '/tmp/rec-1' }));
    await session.leave(ben);
    await session.end('call-ended');
    await writer.settled();

    expect(writes).toEqual([
      'session live',
      'ann in (muted true)',
      'ben in (muted true)', // written after his mute: the row says what is true when it is written
      'ben changed (muted true)',
      'recording rec-1',
      'ben gone',
      'recording none',
      'ann gone',
      'session gone',
    ]);
  });
});
