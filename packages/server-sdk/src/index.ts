/**
 * @parley/server-sdk: Parley's REST API for Node backends (users, auth
 * tokens, call tokens, call logs, recordings), `verifyWebhook` for the
 * server's webhook deliveries, and the `parley` command line (src/cli).
 */
export { ParleyServerClient, type ParleyServerClientOptions } from './client.ts';
export { BackoffRetryPolicy, type RetryContext, type RetryOptions, type RetryPolicy } from './http/retry-policy.ts';
export type { CreatedAuthToken } from './resources/auth-tokens.ts';
export type { CallLog, CallLogFilter, CallLogPage, CallQuality } from './resources/call-logs.ts';
export type { CallToken, CallTokenOptions } from './resources/call-tokens.ts';
export type { DownloadOptions, DownloadProgress, DownloadResult, DownloadTarget } from './resources/download.ts';
export type { Page, PageOptions } from './resources/paging.ts';
export type { Recording, RecordingPage } from './resources/recordings.ts';
export type { CreateUserInput, UpdateUserInput, User, UserPage } from './resources/users.ts';
export { type VerifyWebhookOptions, verifyWebhook, WEBHOOK_TOLERANCE_SECONDS } from './webhooks.ts';
export type { WebhookEventBody as WebhookEvent, WebhookEventName } from '@parley/protocol';
export { type ErrorCode, isParleyError, ParleyError } from '@parley/protocol';
