/**
 * Which feeds of a recording are screen shares, so the recording job can place
 * them large (filter-graph.ts). Janus names its raw files by feed only, so the
 * server notes each screen share's feed in the recording's raw folder
 * (`screen-feeds.txt`, one feed id a line) as the share starts, or as the
 * recording starts while a share runs; the job reads the note back.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { DomainEvents } from '../sessions/domain-events.ts';
import type { Publication } from '../sessions/publications.ts';

const NOTE = 'screen-feeds.txt';

const isShare = (p: Publication) => p.source === 'screen' && p.kind === 'video';

/** The screen-share feeds noted in a raw folder (none when nothing was shared). */
export function readScreenFeeds(rawDir: string): Set<string> {
  try {
    return new Set(readFileSync(join(rawDir, NOTE), 'utf8').split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

/** Observes the domain events and notes every screen share a recording sees (event-wiring.ts). */
export function noteScreenFeeds(events: DomainEvents, log: Logger): void {
  /** Per session: the screen-share feeds live now, and the raw folder of the recording under way. */
  const shares = new Map<string, Set<number>>();
  const recording = new Map<string, string>();
  const note = (sessionId: string, feeds: Iterable<number>) => {
    const dir = recording.get(sessionId);
    if (!dir) return;
    try {
      mkdirSync(dir, { recursive: true });
      for (const feed of feeds) appendFileSync(join(dir, NOTE), `${feed}\n`);
    } catch (error) {
      // The share is still in the file, in the grid: worth a warning, not the recording.
      log.warn({ err: error, sessionId }, 'could not note a screen share for the recording');
    }
  };
  events.on('publication.added', ({ session, publication }) => {
    if (!isShare(publication)) return;
    const live = shares.get(session.sessionId) ?? new Set();
    shares.set(session.sessionId, live.add(publication.feedId));
    note(session.sessionId, [publication.feedId]);
  });
  events.on('publication.removed', ({ session, publication }) => {
    if (isShare(publication)) shares.get(session.sessionId)?.delete(publication.feedId);
  });
  events.on('recording.started', ({ session, rawDir }) => {
    recording.set(session.sessionId, rawDir);
    note(session.sessionId, shares.get(session.sessionId) ?? []);
  });
  events.on('recording.stopped', ({ session }) => recording.delete(session.sessionId));
  events.on('session.ended', ({ session }) => {
    shares.delete(session.sessionId);
    recording.delete(session.sessionId);
  });
}
