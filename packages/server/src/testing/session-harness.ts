/**
 * A CallSession on the fake media backend, for unit tests: clients are links
 * that keep what they were sent, and every domain event is kept in order.
 * Nothing is subscribed but the clients' broadcast, as event-wiring.ts does.
 */
import type { CallKind, ParsedParams, ServerEventName, ServerEvents } from '@parley/protocol';
import pino from 'pino';
import { CallSession } from '../sessions/call-session.ts';
import { type DomainEventMap, type DomainEventName, DomainEvents } from '../sessions/domain-events.ts';
import type { ParticipantLink, ParticipantView } from '../sessions/participant.ts';
import type { CallTokenClaims } from '../tokens/call-token.ts';
import { tellClients } from '../ws/client-broadcast.ts';
import { FakeMediaBackend } from './fake-media-backend.ts';

const EVENT_NAMES: readonly DomainEventName[] = [
  'session.started',
  'session.ended',
  'session.mediaChanged',
  'participant.joined',
  'participant.left',
  'participant.muted',
  'publication.added',
  'publication.removed',
  'recording.started',
  'recording.stopped',
  'recording.ready',
  'media.nodeLost',
  'activeSpeaker.changed',
];

export type HeardEvent = { [K in DomainEventName]: { name: K; payload: DomainEventMap[K][0] } }[DomainEventName];

/** A client's signaling connection: what it was sent, and why it was closed. */
export class FakeLink implements ParticipantLink {
  readonly sent: Array<{ event: ServerEventName; data: unknown }> = [];
  closedWith: string | undefined;

  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void {
    if (this.closedWith === undefined) this.sent.push({ event, data });
  }

  close(reason: string): void {
    this.closedWith ??= reason;
  }

  /** The payloads of one event it got, oldest first. */
  got<E extends ServerEventName>(event: E): Array<ServerEvents[E]> {
    return this.sent.filter((s) => s.event === event).map((s) => s.data as ServerEvents[E]);
  }
}

export function claimsFor(uid: string, sessionId = 's1', kind: CallKind = 'group', canRecord = true): CallTokenClaims {
  return { sessionId, uid, name: uid.toUpperCase(), avatar: null, kind, canRecord, jti: `jti-${uid}`, expiresAt: new Date(Date.now() + 600_000) };
}

export function joinParams(extra: Partial<ParsedParams<'join'>> = {}): ParsedParams<'join'> {
  return { token: 'a-call-token', audioOnly: false, audioMuted: false, videoMuted: false, ...extra };
}

export function sessionOnFakeMedia(kind: CallKind = 'group', sessionId = 's1') {
  const media = new FakeMediaBackend();
  const events = new DomainEvents((event, error) => {
    throw new Error(`a listener of ${event} failed: ${String(error)}`);
  });
  const heard: HeardEvent[] = [];
  for (const name of EVENT_NAMES) events.on(name, (payload: unknown) => heard.push({ name, payload } as HeardEvent));
  tellClients(events);
  let ended = 0;
  const session = new CallSession(sessionId, kind, {
    log: pino({ level: 'silent' }),
    events,
    media,
    maxParticipants: 16,
    reconnectGraceMs: 1_000,
    onEnded: () => ended++,
  });
  const join = async (uid: string, extra: Partial<ParsedParams<'join'>> = {}, canRecord = true) => {
    const link = new FakeLink();
    const participant = await session.join(claimsFor(uid, sessionId, kind, canRecord), joinParams(extra), link, Buffer.from(uid));
    return { participant, link };
  };
  return {
    session,
    media,
    events,
    heard,
    join,
    /** The room the session made (it makes one on its first join). */
    room: () => {
      const room = media.rooms[0];
      if (!room) throw new Error('the session made no room');
      return room;
    },
    /** The publisher connection of a participant. */
    publisherOf: (p: ParticipantView) => {
      const publisher = media.rooms[0]?.publisher(p.feedId);
      if (!publisher) throw new Error(`${p.uid} has no publisher`);
      return publisher;
    },
    /** How many times the session told the registry it ended. */
    endedCount: () => ended,
  };
}
