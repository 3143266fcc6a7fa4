import type { Participant } from '@parley/protocol';

/** A participant as the server describes one, named after `uid`, with what a test changes. */
export function person(uid: string, extra: Partial<Participant> = {}): Participant {
  return { uid, name: uid.toUpperCase(), avatar: null, joinedAt: 1, isAudioMuted: false, isVideoMuted: false, isAudioOnly: false, ...extra };
}
