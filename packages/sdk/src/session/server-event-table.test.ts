import type { ServerEvents } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { person } from '../testing/person.ts';
import { Roster } from './roster.ts';
import { reportLeft, SERVER_EVENT_TABLE, type ServerEventContext, type SessionEventName } from './server-event-table.ts';

/** A session as the table sees it (alice is us, bob is there), recording what the rows did. */
function tableTarget() {
  const roster = new Roster();
  roster.reset(person('alice'), [person('bob')]);
  const emitted: unknown[][] = [];
  const steps: unknown[][] = [];
  const s: ServerEventContext = {
    roster,
    facts: { recording: false, videoRequest: undefined, activeSpeaker: null, screenSharer: null, networkQuality: new Map() },
    sessionId: 's1',
    emit: (event, ...args) => emitted.push([event, ...args]),
    answerSubscriberOffer: (jsep, streams) => steps.push(['answer', jsep.type, streams.length]),
    addRemoteCandidate: (target, candidate) => steps.push(['candidate', target, candidate]),
    becameVideoCall: (initiator, responder) => steps.push(['video call', initiator, responder]),
    endedByServer: (reason) => steps.push(['ended', reason]),
    restartMedia: () => steps.push(['restart media']),
    screenShareEnded: () => steps.push(['screen share ended']),
  };
  const serverSays = <E extends SessionEventName>(event: E, data: ServerEvents[E]) => SERVER_EVENT_TABLE[event].apply(s, data);
  return { s, emitted, steps, serverSays };
}

const user = (uid: string, isLocalUser = false) => ({ ...person(uid), isLocalUser });

describe('who is in the call', () => {
  it('joins, mutes, lists and leaves update the roster and report the seed payloads', () => {
    const { s, emitted, serverSays } = tableTarget();
    serverSays('participant.joined', { participant: person('carol') });
    serverSays('participant.muted', { participant: person('carol', { isAudioMuted: true }), mutedBy: 'bob' });
    serverSays('participants.changed', { participants: [person('bob'), person('carol')] });
    serverSays('participant.left', { participant: person('bob'), reason: 'left' });
    expect(emitted).toEqual([
      ['onUserJoined', user('carol')],
      ['onUserMuted', { muted: { ...user('carol'), isAudioMuted: true }, mutedBy: 'bob', isAudioMuted: true, isVideoMuted: false }],
      // The list from the server leaves us out; we stay in it.
      ['onUserListChanged', [user('bob'), user('carol'), user('alice', true)]],
      ['onUserLeft', user('bob')],
    ]);
    expect(s.roster.list().map((u) => u.uid)).toEqual(['carol', 'alice']);
  });
});

describe('the active speaker', () => {
  it('is reported as the roster knows them, once per change, us included', () => {
    const { s, emitted, serverSays } = tableTarget();
    serverSays('session.activeSpeaker', { uid: 'bob' });
    serverSays('session.activeSpeaker', { uid: 'bob' });
    serverSays('session.activeSpeaker', { uid: 'alice' });
    serverSays('session.activeSpeaker', { uid: null });
    serverSays('session.activeSpeaker', { uid: null });
    expect(emitted).toEqual([
      ['onActiveSpeakerChanged', user('bob')],
      ['onActiveSpeakerChanged', user('alice', true)],
      ['onActiveSpeakerChanged', null],
    ]);
    expect(s.facts.activeSpeaker).toBeNull();
  });

  it('is nobody when the server names someone not in the call, and stops when the speaker leaves', () => {
    const { s, emitted, serverSays } = tableTarget();
    serverSays('session.activeSpeaker', { uid: 'ghost' });
    expect(emitted).toEqual([]);
    serverSays('session.activeSpeaker', { uid: 'bob' });
    serverSays('participant.left', { participant: person('bob'), reason: 'disconnected' });
    expect(emitted.map(([event, arg]) => [event, (arg as { uid?: string } | null)?.uid ?? null])).toEqual([
      ['onActiveSpeakerChanged', 'bob'],
      ['onUserLeft', 'bob'],
      ['onActiveSpeakerChanged', null],
    ]);
    // The same when a resume finds them gone.
    serverSays('session.activeSpeaker', { uid: 'alice' });
    reportLeft(s, user('alice', true));
    expect(emitted.at(-1)).toEqual(['onActiveSpeakerChanged', null]);
  });
});

describe('the call itself', () => {
  it('recording.toggled keeps whether the call records, and says who started it', () => {
    const { s, emitted, serverSays } = tableTarget();
    serverSays('recording.toggled', { recording: true, by: { uid: 'bob', name: 'BOB' }, recordingId: 'r1' });
    expect(s.facts.recording).toBe(true);
    serverSays('recording.toggled', { recording: false, by: { uid: 'alice', name: 'ALICE' }, recordingId: 'r1' });
    expect(s.facts.recording).toBe(false);
    expect(emitted).toEqual([
      ['onRecordingToggled', { recording: true, by: { uid: 'bob', name: 'BOB' }, recordingId: 'r1', startedBy: 'bob' }],
      ['onRecordingToggled', { recording: false, by: { uid: 'alice', name: 'ALICE' }, recordingId: 'r1' }],
    ]);
  });

  it('a switch to video keeps the request until it is switched, declined or withdrawn', () => {
    const { s, emitted, steps, serverSays } = tableTarget();
    serverSays('video.switchRequested', { initiator: 'bob' });
    expect(s.facts.videoRequest).toBe('bob');
    serverSays('video.switchDeclined', { initiator: 'bob', responder: 'carol' });
    expect(s.facts.videoRequest).toBeUndefined();
    serverSays('video.switchRequested', { initiator: 'bob' });
    serverSays('video.switchWithdrawn', { initiator: 'bob', reason: 'timeout' });
    expect(s.facts.videoRequest).toBeUndefined();
    serverSays('video.switchRequested', { initiator: 'bob' });
    serverSays('video.switched', { initiator: 'bob', responder: 'alice' });
    expect(s.facts.videoRequest).toBeUndefined();
    expect(steps).toEqual([['video call', 'bob', 'alice']]);
    expect(emitted.map(([event]) => event)).toEqual([
      'onCallSwitchToVideoRequested',
      'onCallSwitchToVideoDeclined',
      'onCallSwitchToVideoRequested',
      'onCallSwitchToVideoWithdrawn',
      'onCallSwitchToVideoRequested',
      'onCallSwitchedToVideo',
    ]);
    expect(emitted.at(-1)).toEqual(['onCallSwitchedToVideo', { sessionId: 's1', initiator: 'bob', responder: 'alice' }]);
    expect(emitted[3]).toEqual(['onCallSwitchToVideoWithdrawn', { sessionId: 's1', initiator: 'bob', reason: 'timeout' }]);
  });

  it('the idle warning is passed on with the seconds left', () => {
    const { emitted, serverSays } = tableTarget();
    serverSays('session.idleWarning', { secondsLeft: 60 });
    expect(emitted).toEqual([['onIdleWarning', { secondsLeft: 60 }]]);
  });

  it('offers, candidates and the end are the session’s own steps, and the app hears nothing of them here', () => {
    const { emitted, steps, serverSays } = tableTarget();
    serverSays('subscriber.offer', { jsep: { type: 'offer', sdp: 'v=0' }, streams: [] });
    serverSays('trickle', { target: 'subscriber', candidate: null });
    serverSays('session.ended', { reason: 'timeout' });
    serverSays('media.restart', { reason: 'media-node-lost' });
    serverSays('server.draining', { graceSeconds: 30 });
    expect(steps).toEqual([['answer', 'offer', 0], ['candidate', 'subscriber', null], ['ended', 'timeout'], ['restart media']]);
    expect(emitted).toEqual([]);
  });

  it('applies media and the end in any state, everything else only while in the call', () => {
    const always = Object.entries(SERVER_EVENT_TABLE).filter(([, row]) => row.when !== 'joined').map(([event]) => event);
    expect(always.sort()).toEqual(['media.restart', 'session.ended', 'subscriber.offer', 'trickle']);
  });
});

describe('network quality of others', () => {
  it('reports a participant\'s score when it changes, not when it repeats, and forgets it when they leave', () => {
    const { emitted, serverSays } = tableTarget();
    serverSays('participant.quality', { uid: 'bob', quality: 5 });
    serverSays('participant.quality', { uid: 'bob', quality: 5 });
    serverSays('participant.quality', { uid: 'bob', quality: 2 });
    serverSays('participant.quality', { uid: 'nobody', quality: 1 });
    serverSays('participant.left', { participant: person('bob'), reason: 'left' });
    serverSays('participant.joined', { participant: person('bob') });
    serverSays('participant.quality', { uid: 'bob', quality: 2 });
    expect(emitted.filter(([event]) => event === 'onNetworkQualityChanged')).toEqual([
      ['onNetworkQualityChanged', { uid: 'bob', quality: 5 }],
      ['onNetworkQualityChanged', { uid: 'bob', quality: 2 }],
      ['onNetworkQualityChanged', { uid: 'bob', quality: 2 }],
    ]);
  });
});
