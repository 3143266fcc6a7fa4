/**
 * Who is in a session (SessionRoster), seen through a CallSession on the fake
 * media backend: whose requests a client's view still reaches, and which feed
 * id each publisher gets.
 */
import { describe, expect, it } from 'vitest';
import { codeOf } from '../testing/code-of.ts';
import { sessionOnFakeMedia } from '../testing/session-harness.ts';

describe('the same uid joining again', () => {
  it('takes the place of the first: its old view is NOT_JOINED, the list has them once, and the new one has a feed id of its own', async () => {
    const { session, join } = sessionOnFakeMedia();
    const { participant: first, link: firstLink } = await join('ann');
    await join('ben');

    const { participant: again } = await join('ann');

    expect(firstLink.got('session.ended')).toEqual([{ reason: 'replaced' }]);
    expect(await codeOf(session.mute(first, { audioMuted: true }))).toBe('NOT_JOINED');
    expect(session.list().map((p) => p.uid)).toEqual(['ben', 'ann']);
    expect(again.feedId).not.toBe(first.feedId);
  });
});

describe('feed ids', () => {
  it('are not handed out again after their publisher left', async () => {
    const { session, join } = sessionOnFakeMedia();
    await join('ann');
    const { participant: ben } = await join('ben');
    await session.leave(ben);

    const { participant: cy } = await join('cy');

    expect(cy.feedId).toBeGreaterThan(ben.feedId);
  });
});
