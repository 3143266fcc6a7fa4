/**
 * Hooks over the `CallSession` of the nearest `<CallSessionProvider>`, for apps
 * that draw their own call UI. Each reads the session's current value, then
 * follows the events that change it; the component re-renders on changes.
 */
import type { CallEventName, CallSession, PublicationSource, RTCUser } from '@parley/sdk';
import { type DependencyList, useEffect, useState } from 'react';
import { useCallSession } from './session-context.ts';

/** `read(session)` now, and again whenever one of `events` fires. */
function useSessionValue<T>(read: (session: CallSession) => T, events: readonly CallEventName[], deps: DependencyList = []): T {
  const session = useCallSession();
  const [value, setValue] = useState(() => read(session));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `read` and `events` are fixed per hook; what they close over is in `deps`.
  useEffect(() => {
    const update = () => setValue(() => read(session));
    update();
    for (const event of events) session.on(event, update);
    return () => {
      for (const event of events) session.off(event, update);
    };
  }, [session, ...deps]);
  return value;
}

/** Everyone in the call, the local user included (`isLocalUser`), with their mute states. */
export function useParticipants(): RTCUser[] {
  return useSessionValue((s) => s.getParticipants(), ['onUserListChanged', 'onUserJoined', 'onUserLeft', 'onUserMuted']);
}

/** Who speaks now, as the server hears it; null when nobody has for a moment. */
export function useActiveSpeaker(): RTCUser | null {
  return useSessionValue((s) => s.activeSpeaker, ['onActiveSpeakerChanged', 'onUserLeft']);
}

export interface LocalMedia {
  /** The camera and microphone stream; undefined before the devices open. */
  stream: MediaStream | undefined;
  isAudioMuted: boolean;
  isVideoMuted: boolean;
}

/** The local stream and mute states (change them with the session's `audioMuted` / `videoPaused`). */
export function useLocalMedia(): LocalMedia {
  const stream = useSessionValue((s) => s.getLocalStream(), ['localStreamChanged', 'stateChanged']);
  const user = useSessionValue((s) => s.getLocalUser(), ['onUserMuted', 'onUserListChanged', 'stateChanged']);
  return { stream, isAudioMuted: user?.isAudioMuted ?? false, isVideoMuted: user?.isVideoMuted ?? false };
}

/** One publication of a remote participant (`camera`, `microphone`, `screen`) as its own stream; undefined while there is none. */
export function useRemoteStream(uid: string, source: PublicationSource): MediaStream | undefined {
  return useSessionValue((s) => s.getRemotePublicationStream(uid, source), ['onRemoteStream', 'onRemoteStreamRemoved'], [uid, source]);
}
