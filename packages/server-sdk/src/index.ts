/**
 * @parley/server-sdk: Parley's REST API for Node backends (users, auth
 * tokens, call tokens, call logs, recordings), and the `parley` command line
 * (src/cli). Webhook verification is not here yet: it comes with the
 * server's webhooks (see README.md).
 */
export { ParleyServerClient, type ParleyServerClientOptions } from './client.ts';
export { BackoffRetryPolicy, type RetryContext, type RetryOptions, type RetryPolicy } from './http/retry-policy.ts';
export type { CreatedAuthToken } from './resources/auth-tokens.ts';
export type { CallLog, CallLogFilter, CallLogPage } from './resources/call-logs.ts';
export type { CallToken, CallTokenOptions } from './resources/call-tokens.ts';
export type { DownloadOptions, DownloadProgress, DownloadResult, DownloadTarget } from './resources/download.ts';
export type { Page, PageOptions } from './resources/paging.ts';
export type { Recording, RecordingPage } from './resources/recordings.ts';
export type { CreateUserInput, UpdateUserInput, User, UserPage } from './resources/users.ts';
export { type ErrorCode, isParleyError, ParleyError } from '@parley/protocol';
