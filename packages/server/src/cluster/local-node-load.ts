/**
 * What this process runs on each Janus node (issue 17.3), counted from its
 * live sessions: a session's participants are on the node of its media room
 * (of their part of it, for a room spread over several nodes), and their
 * streams are the feeds they publish plus the feeds they receive.
 */
import type { MediaRoom } from '../media/media-backend.ts';
import type { ParticipantView } from '../sessions/participant.ts';
import type { NodeLoad } from './node-placement.ts';

/** The part of a live session the count needs. */
export interface SessionOnNode {
  readonly room: Pick<MediaRoom, 'node' | 'nodeOf'> | undefined;
  readonly participants: ReadonlyMap<string, Pick<ParticipantView, 'publishedFeeds' | 'subscribedFeeds'>>;
}

export function localNodeLoad(sessions: Iterable<SessionOnNode>): Map<string, NodeLoad> {
  const load = new Map<string, NodeLoad>();
  for (const session of sessions) {
    const room = session.room;
    if (room === undefined) continue; // its room is being made (again): it counts once it is somewhere
    for (const [uid, p] of session.participants) {
      const node = room.nodeOf?.(uid) ?? room.node;
      const { participants, streams } = load.get(node) ?? { participants: 0, streams: 0 };
      load.set(node, { participants: participants + 1, streams: streams + p.publishedFeeds.length + p.subscribedFeeds.size });
    }
  }
  return load;
}
