/**
 * What clients are told of the domain events: the protocol side of
 * sessions/domain-events.ts. Observers only, so clients hear of a change once
 * its hooks (the call log, the recording's row) are done.
 */
import type { DomainEvent, DomainEvents } from '../sessions/domain-events.ts';

/** Subscribes the clients' broadcast (event-wiring.ts, and the session unit tests). */
export function tellClients(events: DomainEvents): void {
  // The others meet the newcomer (who got the list in their join result).
  events.on('participant.joined', ({ session, participant }: DomainEvent<'participant.joined'>) => {
    session.broadcast('participant.joined', { participant: participant.info }, participant.uid);
    session.broadcast('participants.changed', { participants: session.list() }, participant.uid);
  });
  events.on('participant.left', ({ session, participant, reason }: DomainEvent<'participant.left'>) => {
    session.broadcast('participant.left', { participant: participant.info, reason });
    session.broadcast('participants.changed', { participants: session.list() });
  });
  events.on('participant.muted', ({ session, participant, by }: DomainEvent<'participant.muted'>) => {
    session.broadcast('participant.muted', { participant: participant.info, mutedBy: by }, participant.uid);
  });
  // Everyone, the one who asked included, hears who started or stopped a recording;
  // one stopped by the session ending needs no word (everyone hears the session ended).
  events.on('recording.started', ({ session, recordingId, by }: DomainEvent<'recording.started'>) => {
    session.broadcast('recording.toggled', { recording: true, by, recordingId });
  });
  events.on('recording.stopped', ({ session, recordingId, by }: DomainEvent<'recording.stopped'>) => {
    if (by) session.broadcast('recording.toggled', { recording: false, by, recordingId });
  });
  // A share is its screen publication's video (its tab audio comes and goes with it).
  events.on('publication.added', ({ session, participant, publication }: DomainEvent<'publication.added'>) => {
    if (publication.source === 'screen' && publication.kind === 'video') session.broadcast('screenShare.started', { uid: participant.uid });
  });
  events.on('publication.removed', ({ session, participant, publication }: DomainEvent<'publication.removed'>) => {
    if (publication.source === 'screen' && publication.kind === 'video') session.broadcast('screenShare.stopped', { uid: participant.uid });
  });
  events.on('activeSpeaker.changed', ({ session, uid }: DomainEvent<'activeSpeaker.changed'>) => {
    session.broadcast('session.activeSpeaker', { uid });
  });
}
