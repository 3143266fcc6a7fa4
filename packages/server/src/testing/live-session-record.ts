/** A persisted live session for unit tests: Ann in it, nothing published, recording as given (none by default). */
import { sha256 } from '../secrets.ts';
import type { LiveSessionRecord } from '../store/live-sessions-store.ts';

export const liveSessionRecord = (sessionId: string, recording: LiveSessionRecord['recording'] = null): LiveSessionRecord => ({
  sessionId,
  kind: 'group',
  media: 'video',
  recording,
  participants: [
    {
      uid: 'ann',
      name: 'Ann',
      avatar: null,
      joinedAt: new Date(),
      feedId: 1,
      canRecord: true,
      audioMuted: false,
      videoMuted: false,
      audioOnly: false,
      idleTimeoutSeconds: 180,
      resumeTokenHash: sha256(`ann-${sessionId}`),
      publications: [],
    },
  ],
});
