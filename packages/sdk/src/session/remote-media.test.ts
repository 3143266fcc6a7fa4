import type { Participant } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { othersSendMedia } from './remote-media.ts';

const person = (uid: string, state: Partial<Participant> = {}): Participant => ({
  uid,
  name: uid,
  avatar: null,
  joinedAt: 0,
  isAudioMuted: false,
  isVideoMuted: false,
  isAudioOnly: false,
  ...state,
});

describe('whether anyone else sends us media', () => {
  it('is so while someone else has a microphone or camera on', () => {
    expect(othersSendMedia([person('me'), person('ann', { isAudioMuted: true })], 'me')).toBe(true);
    expect(othersSendMedia([person('me'), person('ann', { isVideoMuted: true })], 'me')).toBe(true);
  });

  it('is not once everyone else muted both, whatever we send ourselves', () => {
    const muted = { isAudioMuted: true, isVideoMuted: true };
    expect(othersSendMedia([person('me'), person('ann', muted), person('ben', muted)], 'me')).toBe(false);
  });

  it('counts only the microphone of someone in audio-only mode', () => {
    expect(othersSendMedia([person('me'), person('ann', { isAudioMuted: true, isAudioOnly: true })], 'me')).toBe(false);
  });

  it('is not when we are alone', () => {
    expect(othersSendMedia([person('me')], 'me')).toBe(false);
  });
});
