/**
 * @parley/react: `<ParleyCall>` draws a call with the SDK's default UI; the
 * hooks serve apps that draw their own over a `CallSession`.
 */
export { type LocalMedia, useActiveSpeaker, useLocalMedia, useParticipants, useRemoteStream } from './hooks.ts';
export { ParleyCall, type ParleyCallProps } from './parley-call.ts';
export { CallSessionProvider, useCallSession } from './session-context.ts';
