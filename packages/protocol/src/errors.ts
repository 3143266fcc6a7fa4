/**
 * Every error Parley reports, with its stable code and HTTP status.
 * The list is the single source: docs/errors.md is checked against it by a test.
 */
export const ERROR_CODES = {
  // request shape
  VALIDATION_FAILED: { status: 400, message: 'The request does not match its schema' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json' },
  NOT_FOUND: { status: 404, message: 'No such resource' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  // credentials
  API_KEY_REQUIRED: { status: 401, message: 'This endpoint needs the API key' },
  API_KEY_INVALID: { status: 401, message: 'The API key is wrong' },
  AUTH_TOKEN_REQUIRED: { status: 401, message: 'This endpoint needs a user auth token' },
  AUTH_TOKEN_INVALID: { status: 401, message: 'The auth token is unknown, revoked, or its user was deleted' },
  FORBIDDEN: { status: 403, message: 'These credentials may not do this' },
  DEV_LOGIN_DISABLED: { status: 403, message: 'Development login is disabled on this server' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: 'Requests from this web origin are not allowed (PARLEY_CORS_ORIGINS)' },
  // users
  USER_NOT_FOUND: { status: 404, message: 'No user with this uid' },
  USER_EXISTS: { status: 409, message: 'A user with this uid exists already' },
  AUTH_TOKEN_NOT_FOUND: { status: 404, message: 'No auth token with this id for this user' },
  // call tokens and sessions
  CALL_TOKEN_INVALID: { status: 401, message: 'The call token is malformed or its signature is wrong' },
  CALL_TOKEN_EXPIRED: { status: 401, message: 'The call token has expired' },
  CALL_TOKEN_WRONG_SESSION: { status: 403, message: 'The call token is for another session' },
  SESSION_FULL: { status: 409, message: 'The session has no room for another participant' },
  SESSION_ENDED: { status: 410, message: 'The session has ended' },
  NOT_JOINED: { status: 409, message: 'Join the session first' },
  ALREADY_JOINED: { status: 409, message: 'This connection has joined a session already' },
  INVALID_STATE: { status: 409, message: 'The request does not fit the current state' },
  // ringing flow and call logs
  CALL_NOT_FOUND: { status: 404, message: 'No call with this session id' },
  NOT_LOGGED_IN: { status: 409, message: 'Log in to the user channel first (ParleyRinging.login)' },
  // recordings
  RECORDING_NOT_FOUND: { status: 404, message: 'No recording with this id' },
  PLAYBACK_TOKEN_INVALID: { status: 401, message: 'The playback token is malformed, expired, or for another recording' },
  RECORDING_NOT_READY: { status: 409, message: 'The recording has no file yet (it is recording, processing, or failed)' },
  RANGE_NOT_SATISFIABLE: { status: 416, message: 'The requested byte range is outside the file' },
  // media plane
  MEDIA_UNAVAILABLE: { status: 503, message: 'The media server is not reachable' },
  SERVER_DRAINING: { status: 503, message: 'This server is stopping and starts no new session' },
  MEDIA_ERROR: { status: 502, message: 'The media server refused the request' },
  MEDIA_TIMEOUT: { status: 504, message: 'The media server did not answer in time' },
  // client side
  NOT_INITIALIZED: { status: 400, message: 'Call ParleyCalls.init first' },
  NETWORK_ERROR: { status: 503, message: 'The server could not be reached' },
  CONNECTION_CLOSED: { status: 503, message: 'The connection to the server closed' },
  REQUEST_TIMEOUT: { status: 504, message: 'The server did not answer in time' },
  DEVICE_ERROR: { status: 400, message: 'The camera or microphone could not be opened' },
  UNSUPPORTED_BROWSER: { status: 400, message: 'This browser cannot make WebRTC calls (no RTCPeerConnection)' },
  NO_ACTIVE_SESSION: { status: 409, message: 'There is no active call session' },
  SCREEN_SHARE_UNSUPPORTED: { status: 400, message: 'This browser cannot share the screen (no getDisplayMedia)' },
  SCREEN_SHARE_CANCELLED: { status: 400, message: 'The screen share was cancelled in the browser\'s picker, or not allowed' },
  SCREEN_SHARE_FAILED: { status: 400, message: 'The screen could not be captured' },
  // webhooks
  WEBHOOK_NOT_FOUND: { status: 404, message: 'No webhook endpoint with this id (or it comes from PARLEY_WEBHOOK_URLS)' },
  WEBHOOK_SIGNATURE_INVALID: { status: 400, message: 'The webhook signature is missing, malformed, too old, or does not match the body' },
  // abuse
  RATE_LIMITED: { status: 429, message: 'Too many requests: wait for Retry-After seconds' },
  // several server processes (issue 17)
  CLUSTER_UNAVAILABLE: { status: 503, message: 'Redis, which the server processes share, is not reachable' },
  MIGRATION_CHECKSUM_MISMATCH: { status: 500, message: 'A database migration that was applied differs from this server\'s copy of it' },
  // anything else
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on the server' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** The one error type of Parley, on the server and in the SDK. */
export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: unknown }) {
    super(message ?? ERROR_CODES[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.details = options?.details;
  }

  toJSON(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function isParleyError(value: unknown, code?: ErrorCode): value is ParleyError {
  return value instanceof ParleyError && (code === undefined || value.code === code);
}

/** Statuses a proxy answers when it cannot get a request through to the server. */
const UNREACHABLE_STATUSES = new Set([429, 502, 503, 504]);

/**
 * The error a failed HTTP answer stands for, on any client (browser SDK,
 * server SDK): the server's own `{ error: { code, message, details } }` keeps
 * its code; an answer without one (a proxy in front, or not a Parley server)
 * gets a code from its status.
 */
export function errorFromResponse(status: number, body: unknown, what: string): ParleyError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
    if (isErrorCode(code)) return new ParleyError(code, typeof message === 'string' ? message : undefined, { details });
  }
  return new ParleyError(codeForStatus(status), `${what}: the server answered ${status} without a Parley error`, { details: { status } });
}

function codeForStatus(status: number): ErrorCode {
  if (UNREACHABLE_STATUSES.has(status)) return 'NETWORK_ERROR';
  if (status === 404) return 'NOT_FOUND';
  if (status >= 500) return 'INTERNAL_ERROR';
  return 'VALIDATION_FAILED';
}
