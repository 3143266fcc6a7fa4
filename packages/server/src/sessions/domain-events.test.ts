import { describe, expect, it } from 'vitest';
import { codeOf } from '../testing/code-of.ts';
import { fakeOffer } from '../testing/fake-media-backend.ts';
import { sessionOnFakeMedia } from '../testing/session-harness.ts';
import { until } from '../testing/until.ts';
import { DomainEvents } from './domain-events.ts';

describe('the domain event stream', () => {
  it('runs hooks first, awaited and in order, then the observers in the order they subscribed', async () => {
    const events = new DomainEvents(() => {});
    const order: string[] = [];
    events.on('media.nodeLost', () => order.push('observer 1'));
    events.hook('media.nodeLost', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('hook 1');
    });
    events.hook('media.nodeLost', async () => void order.push('hook 2'));
    events.on('media.nodeLost', ({ node }) => order.push(`observer 2 heard ${node}`));
    await events.emit('media.nodeLost', { node: 'ws://janus' });
    expect(order).toEqual(['hook 1', 'hook 2', 'observer 1', 'observer 2 heard ws://janus']);
  });

  it('fails the emitting step when a hook fails, and then no observer hears of it', async () => {
    const events = new DomainEvents(() => {});
    let heard = false;
    events.hook('media.nodeLost', async () => Promise.reject(new Error('database down')));
    events.on('media.nodeLost', () => {
      heard = true;
    });
    await expect(events.emit('media.nodeLost', { node: 'x' })).rejects.toThrow('database down');
    expect(heard).toBe(false);
  });

  it('reports a throwing observer and still tells the others', async () => {
    const reported: string[] = [];
    const events = new DomainEvents((event) => reported.push(event));
    let second = false;
    events.on('media.nodeLost', () => {
      throw new Error('boom');
    });
    events.on('media.nodeLost', () => {
      second = true;
    });
    await events.emit('media.nodeLost', { node: 'x' });
    expect(reported).toEqual(['media.nodeLost']);
    expect(second).toBe(true);
  });
});

describe('what a session emits', () => {
  it('says each thing once, in order, with who and what: join, mute, publish, speak, record, leave, end', async () => {
    const { session, heard, join, publisherOf, room } = sessionOnFakeMedia();
    const { participant: ann } = await join('ann');
    const { participant: ben } = await join('ben');
    await session.mute(ann, { audioMuted: true });
    await session.publish(ann, fakeOffer(['audio', 'video']));
    publisherOf(ann).connect(); // media flows: the session publishes from its queue
    await until(() => heard.filter((h) => h.name === 'publication.added').length === 2, "ann's publications");
    publisherOf(ann).talk(true);
    await session.startRecording(ann, () => ({ id: 'rec-1', dir: '/rec/rec-1' }));
    await session.stopRecording(ben);
    await session.leave(ben);
    await session.end('server-shutdown');

    expect(heard.map((h) => h.name)).toEqual([
      'session.started',
      'participant.joined',
      'participant.joined',
      'participant.muted',
      'publication.added',
      'publication.added',
      'activeSpeaker.changed',
      'recording.started',
      'recording.stopped',
      'participant.left',
      'publication.removed',
      'publication.removed',
      'participant.left',
      'session.ended',
    ]);
    const payloads = heard.map(({ name, payload }) => {
      const p = payload as Record<string, any>;
      expect(p.session).toBe(session);
      return {
        name,
        ...(p.participant ? { uid: p.participant.uid } : {}),
        ...(p.publication ? { source: p.publication.source, kind: p.publication.kind } : {}),
        ...(p.by !== undefined ? { by: p.by } : {}),
        ...(p.reason ? { reason: p.reason } : {}),
        ...(p.recordingId ? { recordingId: p.recordingId } : {}),
        ...(name === 'activeSpeaker.changed' ? { speaker: p.uid } : {}),
      };
    });
    expect(payloads).toEqual([
      { name: 'session.started' },
      { name: 'participant.joined', uid: 'ann' },
      { name: 'participant.joined', uid: 'ben' },
      { name: 'participant.muted', uid: 'ann', by: 'ann' },
      { name: 'publication.added', uid: 'ann', source: 'microphone', kind: 'audio' },
      { name: 'publication.added', uid: 'ann', source: 'camera', kind: 'video' },
      { name: 'activeSpeaker.changed', speaker: 'ann' },
      { name: 'recording.started', by: { uid: 'ann', name: 'ANN' }, recordingId: 'rec-1' },
      { name: 'recording.stopped', by: { uid: 'ben', name: 'BEN' }, recordingId: 'rec-1' },
      { name: 'participant.left', uid: 'ben', reason: 'left' },
      { name: 'publication.removed', uid: 'ann', source: 'microphone', kind: 'audio' },
      { name: 'publication.removed', uid: 'ann', source: 'camera', kind: 'video' },
      { name: 'participant.left', uid: 'ann', reason: 'left' },
      { name: 'session.ended', reason: 'server-shutdown' },
    ]);
    const muted = heard.find((h) => h.name === 'participant.muted');
    expect(muted?.name === 'participant.muted' && muted.payload.participant.info.isAudioMuted).toBe(true);
    const started = heard.find((h) => h.name === 'recording.started');
    expect(started?.name === 'recording.started' && started.payload.rawDir).toBe('/rec/rec-1');
    expect(room().destroyed).toBe(true);
  });

  it('says nothing of a join whose stay could not be recorded, and the join fails', async () => {
    const { session, events, heard, join } = sessionOnFakeMedia();
    const { link: annLink } = await join('ann');
    events.hook('participant.joined', async ({ participant }) => {
      if (participant.uid === 'ben') throw new Error('database down');
    });
    await expect(join('ben')).rejects.toThrow('database down');
    expect(heard.filter((h) => h.name === 'participant.joined')).toHaveLength(1);
    expect(annLink.got('participant.joined')).toEqual([]);
    expect([...session.participants.keys()]).toEqual(['ann']);
  });

  it('ends a session that a failed first join leaves empty, rather than keep its room', async () => {
    const { session, events, join, room } = sessionOnFakeMedia();
    events.hook('participant.joined', async () => Promise.reject(new Error('database down')));
    await expect(join('ann')).rejects.toThrow('database down');
    expect(session.state).toBe('ended');
    expect(room().destroyed).toBe(true);
  });

  it('refuses to record for a token without the right, and records nothing', async () => {
    const { session, heard, join, room } = sessionOnFakeMedia();
    const { participant: guest } = await join('guest', {}, false);
    expect(await codeOf(session.startRecording(guest, () => ({ id: 'r', dir: '/r' })))).toBe('FORBIDDEN');
    expect(room().recordingDir).toBeUndefined();
    expect(heard.some((h) => h.name === 'recording.started')).toBe(false);
  });
});
