/**
 * The ringing flow (a user channel on /v1/ws) and the call logs (REST): the
 * `Call` both sides see while it rings, and the `CallLog` every call leaves.
 */
import { z } from 'zod';
import { CallKind, PageQuery, SESSION_ID, UID } from './rest.ts';

export const CALL_TYPES = ['audio', 'video'] as const;
export const CallType = z.enum(CALL_TYPES);
export type CallType = z.infer<typeof CallType>;

/**
 * Where a call is. `initiated` rings; `ongoing` was answered (or a session runs);
 * the rest are final.
 */
export const CALL_STATUSES = ['initiated', 'ongoing', 'ended', 'rejected', 'cancelled', 'busy', 'unanswered'] as const;
export const CallStatus = z.enum(CALL_STATUSES);
export type CallStatus = z.infer<typeof CallStatus>;

export const CallParty = z.object({ uid: UID, name: z.string(), avatar: z.string().nullable() });
export type CallParty = z.infer<typeof CallParty>;

/** A ringing-flow call, as both sides see it. Times are epoch milliseconds. */
export const Call = z.object({
  sessionId: SESSION_ID,
  type: CallType,
  /** Ringing calls are always one-to-one. */
  kind: z.literal('direct'),
  status: CallStatus,
  initiator: CallParty,
  receiver: CallParty,
  initiatedAt: z.number(),
  /** When the receiver accepted; null before (or never). */
  acceptedAt: z.number().nullable(),
  /** When the call reached a final status. */
  endedAt: z.number().nullable(),
});
export type Call = z.infer<typeof Call>;

// ——— user channel requests (signaling) ———

export const UserLoginParams = z.strictObject({ authToken: z.string().min(1).max(500) });
export const UserLoginResult = z.object({
  uid: UID,
  /** Calls that ring for this user right now (e.g. after a reload); the SDK reports each as an incoming call. */
  ringing: z.array(Call),
});
export const InitiateCallParams = z.strictObject({ receiverUid: UID, type: CallType.default('video') });
export const CallIdParams = z.strictObject({ sessionId: SESSION_ID });
export const RejectCallParams = z.strictObject({ sessionId: SESSION_ID, reason: z.enum(['rejected', 'busy']).default('rejected') });
export const CallResult = z.object({ call: Call });

// ——— call logs (REST) ———

export const CallLogParticipant = z.object({
  uid: z.string(),
  name: z.string(),
  joinedAt: z.string(),
  leftAt: z.string().nullable(),
  /** Seconds in the session; up to now while still in it. */
  durationSeconds: z.number(),
  leaveReason: z.string().nullable(),
});
export type CallLogParticipant = z.infer<typeof CallLogParticipant>;

export const CallLogRecording = z.object({
  id: z.string(),
  status: z.string(),
  startedAt: z.string(),
  durationMs: z.number().nullable(),
  fileUrl: z.string().nullable(),
});
export type CallLogRecording = z.infer<typeof CallLogRecording>;

/** What every call leaves behind, ringing or session-only. */
export const CallLog = z.object({
  sessionId: SESSION_ID,
  type: CallType,
  kind: CallKind,
  status: CallStatus,
  /** Ringing calls only; null for session-only calls. */
  initiator: z.object({ uid: z.string(), name: z.string() }).nullable(),
  receiver: z.object({ uid: z.string(), name: z.string() }).nullable(),
  /** When the call was made (ringing) or its session started. */
  initiatedAt: z.string(),
  /** When the first participant joined its session; null if nobody did. */
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  /** Session start to end (to now while ongoing), in seconds; 0 if it never started. */
  durationSeconds: z.number(),
  participants: z.array(CallLogParticipant),
  /** Participant-minutes: in audio calls, or in video calls. */
  audioMinutes: z.number(),
  videoMinutes: z.number(),
  hasRecording: z.boolean(),
  recordings: z.array(CallLogRecording),
});
export type CallLog = z.infer<typeof CallLog>;

export const CallLogQuery = PageQuery.extend({
  /** Only calls this user made, received or joined. A user's auth token may name only itself (the default). */
  uid: UID.optional(),
  /** One status, or several separated by commas. */
  status: z
    .string()
    .max(200)
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(CallStatus).min(1))
    .optional(),
});
export type CallLogQuery = z.input<typeof CallLogQuery>;

export const CallLogPage = z.object({ items: z.array(CallLog), nextCursor: z.string().nullable() });
export type CallLogPage = z.infer<typeof CallLogPage>;

export const CallLogParams = z.strictObject({ sessionId: SESSION_ID });
