/**
 * Whether anyone else in the call sends us media now, from the roster's mute
 * state: the receiving connection's ICE watch restarts it when nothing
 * arrives for a while, and while everyone else is muted nothing is meant to.
 */
import type { Participant } from '@parley/protocol';

export function othersSendMedia(participants: readonly Participant[], selfUid: string | undefined): boolean {
  return participants.some((p) => p.uid !== selfUid && (!p.isAudioMuted || (!p.isAudioOnly && !p.isVideoMuted)));
}
