/** The screen share's part of the protocol: what the server accepts of a client, what it says back. */
import { describe, expect, it } from 'vitest';
import { JoinResult, REQUESTS } from './signaling.ts';

const offer = { type: 'offer', sdp: 'v=0\r\n' };
const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe('screen share requests', () => {
  it('take an offer to publish, and nothing else', () => {
    const params = REQUESTS['screen.publish'].params;
    expect(ok(params, { jsep: offer })).toBe(true);
    expect(ok(params, { jsep: { ...offer, type: 'answer' } })).toBe(false);
    expect(ok(params, { jsep: offer, source: 'camera' })).toBe(false);
    expect(ok(params, { jsep: { type: 'offer', sdp: 'x'.repeat(200_001) } })).toBe(false);
  });

  it('stop with no parameters', () => {
    expect(ok(REQUESTS['screen.stop'].params, {})).toBe(true);
    expect(ok(REQUESTS['screen.stop'].params, { uid: 'someone-else' })).toBe(false);
  });

  it("trickle the share's own connection's candidates", () => {
    const trickle = REQUESTS.trickle.params;
    expect(ok(trickle, { target: 'screen', candidate: null })).toBe(true);
    expect(ok(trickle, { target: 'camera', candidate: null })).toBe(false);
  });
});

describe('the join result', () => {
  const joined = { sessionId: 's1', kind: 'group', self: { uid: 'ann', name: 'Ann', avatar: null, joinedAt: 1, isAudioMuted: false, isVideoMuted: false, isAudioOnly: false }, participants: [], recording: false, resumeToken: 't' };

  it('names who shares now, or nobody; a server that predates screen share says nothing', () => {
    expect(JoinResult.parse({ ...joined, screenSharer: 'bob' }).screenSharer).toBe('bob');
    expect(JoinResult.parse({ ...joined, screenSharer: null }).screenSharer).toBeNull();
    expect(JoinResult.parse(joined).screenSharer).toBeUndefined();
    expect(ok(JoinResult, { ...joined, screenSharer: 42 })).toBe(false);
  });
});
