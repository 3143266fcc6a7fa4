/**
 * REST bodies and answers. Server routes validate with these; the SDK and the
 * OpenAPI document use the same objects, so the three never drift.
 */
import { z } from 'zod';

export const UID = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');

export const SESSION_ID = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

/**
 * Text a database can hold: PostgreSQL refuses U+0000 in text and JSON, and a
 * lone surrogate (half of a UTF-16 pair) is not valid Unicode at all.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const STORABLE = 'must not contain NUL or unpaired surrogates';

/** How deep user metadata may nest: enough for any real use, and far from any stack limit. */
export const METADATA_MAX_DEPTH = 16;

/** Checks every key and string of a JSON value, without recursion (a hostile body may nest 10,000 deep). */
function metadataProblem(root: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value === 'string') {
      if (!isStorableText(value)) return STORABLE;
    } else if (value !== null && typeof value === 'object') {
      if (depth >= METADATA_MAX_DEPTH) return `must not nest deeper than ${METADATA_MAX_DEPTH} levels`;
      for (const [key, child] of Object.entries(value)) {
        if (!isStorableText(key)) return STORABLE;
        stack.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

const NAME = z.string().min(1).max(100).refine(isStorableText, STORABLE);
const AVATAR = z.string().url().max(2048).refine(isStorableText, STORABLE);
const METADATA = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = metadataProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const User = z.object({
  uid: UID,
  name: NAME,
  avatar: AVATAR.nullable(),
  metadata: METADATA,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type User = z.infer<typeof User>;

export const CreateUserBody = z.strictObject({
  uid: UID,
  name: NAME,
  avatar: AVATAR.optional(),
  metadata: METADATA.optional(),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

export const UpdateUserBody = z
  .strictObject({
    name: NAME.optional(),
    avatar: AVATAR.nullable().optional(),
    metadata: METADATA.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change');
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

export const UidParams = z.strictObject({ uid: UID });
export const AuthTokenParams = z.strictObject({ uid: UID, id: z.string().uuid() });

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  // A cursor is a value the server compares in the database (users' is a uid): text it can store.
  cursor: z.string().max(200).refine(isStorableText, STORABLE).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export const UserPage = z.object({ items: z.array(User), nextCursor: z.string().nullable() });
export type UserPage = z.infer<typeof UserPage>;

export const CreatedAuthToken = z.object({ id: z.string(), authToken: z.string(), uid: UID, createdAt: z.string() });
export type CreatedAuthToken = z.infer<typeof CreatedAuthToken>;

export const CALL_KINDS = ['direct', 'group'] as const;
export const CallKind = z.enum(CALL_KINDS);
export type CallKind = z.infer<typeof CallKind>;

export const CreateCallTokenBody = z.strictObject({
  sessionId: SESSION_ID,
  type: CallKind.default('group'),
});
export type CreateCallTokenBody = z.input<typeof CreateCallTokenBody>;

/** The seed's `GenerateToken`, on the web. */
export const CallToken = z.object({ token: z.string(), expiresAt: z.string(), sessionId: SESSION_ID });
export type CallToken = z.infer<typeof CallToken>;

export const DevLoginBody = z.strictObject({ uid: UID, name: NAME });
export const DevLoginResult = z.object({ user: User, authToken: z.string() });
export type DevLoginResult = z.infer<typeof DevLoginResult>;

export const Health = z.object({ status: z.literal('ok'), uptimeSeconds: z.number(), media: z.string() });

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export const RECORDING_STATUSES = ['recording', 'processing', 'ready', 'failed'] as const;
export const RecordingStatus = z.enum(RECORDING_STATUSES);
export type RecordingStatus = z.infer<typeof RecordingStatus>;

/** One recording of a session: from start to stop, then processed into one file. */
export const Recording = z.object({
  id: z.string(),
  sessionId: SESSION_ID,
  status: RecordingStatus,
  /** 0–1 while processing; 1 once ready. */
  progress: z.number(),
  startedBy: z.object({ uid: z.string(), name: z.string() }),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  sizeBytes: z.number().nullable(),
  /** `video/webm` or `audio/webm`, once ready. */
  mimeType: z.string().nullable(),
  /** Video grid size, when the file has video. */
  width: z.number().nullable(),
  height: z.number().nullable(),
  error: z.string().nullable(),
  /**
   * Once ready: where the file has no media, in ms from its start — its media server or the
   * server itself restarted while it recorded (the file covers the gap, black and silent).
   * Also in the file's tags as `PARLEY_MEDIA_GAPS`.
   */
  gaps: z.array(z.object({ startMs: z.number(), endMs: z.number() })).optional(),
  /** Where to download the file, once ready (credentials in a header). */
  fileUrl: z.string().nullable(),
  /**
   * The same file with a playback token that opens this recording only, for an
   * hour: for `<video src>`, which cannot send headers. Null until ready.
   */
  playbackUrl: z.string().nullable(),
});
export type Recording = z.infer<typeof Recording>;

export const RecordingIdParams = z.strictObject({ id: z.string().uuid() });
export const RecordingListQuery = PageQuery.extend({ sessionId: SESSION_ID });
/** For players that cannot send headers (`<video src>`): a playback token from `playbackUrl`. */
export const RecordingFileQuery = z.strictObject({ token: z.string().max(1000).optional() });
export const RecordingPage = z.object({ items: z.array(Recording), nextCursor: z.string().nullable() });
export type RecordingPage = z.infer<typeof RecordingPage>;
