import type { Participant } from '@parley/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ParticipantView } from './participant.ts';
import { type VideoSwitchHost, VideoSwitch } from './video-switch.ts';

function person(uid: string, isAudioOnly = true): ParticipantView {
  const info: Participant = { uid, name: uid, avatar: null, joinedAt: 0, isAudioMuted: false, isVideoMuted: isAudioOnly, isAudioOnly };
  return { uid, info, state: 'joined' } as unknown as ParticipantView;
}

/**
 * `media` lists each time the session was told the switch happened; like the
 * session, the fake then lets everyone send video.
 */
function session(...people: ParticipantView[]) {
  const sent: Array<{ event: string; data: unknown; except?: string }> = [];
  const media: string[] = [];
  const host: VideoSwitchHost = {
    participants: new Map(people.map((p) => [p.uid, p])),
    broadcast: (event, data, except) => sent.push({ event, data, ...(except ? { except } : {}) }),
    list: () => people.map((p) => ({ ...p.info })),
  };
  const sw = new VideoSwitch(host, { log: pino({ level: 'silent' }), answerTimeoutMs: 30_000, switched: async () => {
      media.push('video');
      for (const p of people) p.info.isAudioOnly = false;
    },
  });
  sw.started(true);
  return { sw, sent, media };
}

const codeOf = async (f: () => unknown) => {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return (e as { code: string }).code;
  }
};

describe('asking to switch an audio call to video', () => {
  it('tells everyone but the asker; accepting makes the session video and tells everyone who asked and who answered', async () => {
    const [ann, ben] = [person('ann'), person('ben')];
    const { sw, sent, media } = session(ann, ben);
    sw.request(ann);
    expect(sent).toEqual([{ event: 'video.switchRequested', data: { initiator: 'ann' }, except: 'ann' }]);
    expect(await codeOf(() => sw.request(ben))).toBe('INVALID_STATE'); // one request at a time
    expect(await codeOf(() => sw.answer(ann, true))).toBe('INVALID_STATE'); // the asker cannot answer

    await sw.answer(ben, true);
    expect(sw.media).toBe('video');
    expect(media).toEqual(['video']); // everyone's isAudioOnly: call-session.test.ts
    expect(sent.at(-1)).toEqual({ event: 'video.switched', data: { initiator: 'ann', responder: 'ben' } });
    expect(sent.map((s) => s.event)).toContain('participants.changed');
    expect(await codeOf(() => sw.request(ann))).toBe('INVALID_STATE'); // a video session already
  });

  it('declining tells everyone and leaves the session audio; it can be asked again', async () => {
    const [ann, ben] = [person('ann'), person('ben')];
    const { sw, sent, media } = session(ann, ben);
    sw.request(ann);
    await sw.answer(ben, false);
    expect(sent.at(-1)).toEqual({ event: 'video.switchDeclined', data: { initiator: 'ann', responder: 'ben' } });
    expect(sw.media).toBe('audio');
    expect(media).toEqual([]);
    expect(await codeOf(() => sw.answer(ben, true))).toBe('INVALID_STATE'); // nothing pending
    expect(await codeOf(() => sw.request(ann))).toBe('ok');
  });

  it('needs someone to ask, and forgets the request when its asker leaves', async () => {
    const ann = person('ann');
    expect(await codeOf(() => session(ann).sw.request(ann))).toBe('INVALID_STATE');
    const ben = person('ben');
    const { sw } = session(ann, ben);
    sw.request(ann);
    sw.left(ann);
    expect(sw.pendingInitiator).toBeUndefined();
  });

  it('withdraws a request whose asker leaves, so the others stop being asked', () => {
    const [ann, ben] = [person('ann'), person('ben')];
    const { sw, sent } = session(ann, ben);
    sw.request(ann);
    sw.left(ann);
    expect(sent.at(-1)).toEqual({ event: 'video.switchWithdrawn', data: { initiator: 'ann', reason: 'left' } });
  });
});

describe('a switch request nobody answers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is withdrawn after the answer timeout, and can be asked again', async () => {
    vi.useFakeTimers();
    const [ann, ben] = [person('ann'), person('ben')];
    const { sw, sent } = session(ann, ben);
    sw.request(ann);
    vi.advanceTimersByTime(29_999);
    expect(sw.pendingInitiator).toBe('ann');
    vi.advanceTimersByTime(1);
    expect(sw.pendingInitiator).toBeUndefined();
    expect(sent.at(-1)).toEqual({ event: 'video.switchWithdrawn', data: { initiator: 'ann', reason: 'timeout' } });
    expect(await codeOf(() => sw.answer(ben, true))).toBe('INVALID_STATE');
    expect(await codeOf(() => sw.request(ann))).toBe('ok');
  });

  it('leaves no timer once answered or once the session closes', () => {
    vi.useFakeTimers();
    const [ann, ben] = [person('ann'), person('ben')];
    const { sw } = session(ann, ben);
    sw.request(ann);
    sw.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
