/**
 * Who shares their screen, as the server says (`screenShare.started` /
 * `screenShare.stopped`, and `screenSharer` in a join or resume result): the
 * call's fact and the app's onScreenShareStarted / onScreenShareStopped. One
 * share at a time (the server stops the older when a newer one starts), so
 * the fact is one uid. A stop of our own share that we did not ask for (a
 * newer share replaced it, the media room was made again) releases the capture.
 */
import type { RTCUser } from '../api/events.ts';
import type { ServerEventContext } from './server-event-table.ts';

/** `uid` shares now. */
export function screenShareStarted(s: ServerEventContext, uid: string): void {
  const user = s.roster.get(uid);
  if (!user || s.facts.screenSharer === uid) return;
  s.facts.screenSharer = uid;
  s.emit('onScreenShareStarted', user);
}

/** `uid`'s share ended; `user` is who they were, when they are no longer in the roster (they left). */
export function screenShareStopped(s: ServerEventContext, uid: string, user: RTCUser | undefined = s.roster.get(uid)): void {
  if (uid === s.roster.selfUid) s.screenShareEnded();
  if (s.facts.screenSharer !== uid) return;
  s.facts.screenSharer = null;
  if (user) s.emit('onScreenShareStopped', user);
}

/** After a join or resume: the share the server has now, reported as a change from what we knew. */
export function screenSharerIs(s: ServerEventContext, uid: string | null): void {
  const before = s.facts.screenSharer;
  if (before === uid) return;
  if (before !== null) screenShareStopped(s, before);
  if (uid !== null) screenShareStarted(s, uid);
}
