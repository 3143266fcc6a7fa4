/** The webhooks REST API (`/v1/webhooks`, API key): endpoints, their secrets, their deliveries. */
import { z } from 'zod';

export const WEBHOOK_EVENT_NAMES = [
  'session.started',
  'session.ended',
  'participant.joined',
  'participant.left',
  'recording.started',
  'recording.ready',
  'recording.failed',
  'call.initiated',
  'call.accepted',
  'call.rejected',
  'call.cancelled',
  'call.unanswered',
  'call.ended',
] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

export const CreateWebhookBody = z.strictObject({
  url: z.string().max(2_000).regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL'),
  /** Only these events; omitted: every event. */
  events: z.array(z.enum(WEBHOOK_EVENT_NAMES)).min(1).max(WEBHOOK_EVENT_NAMES.length).optional(),
});

export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_NAMES)).nullable(),
  /** `api`: made with POST /v1/webhooks; `env`: PARLEY_WEBHOOK_URLS (not deleted or rotated here). */
  source: z.enum(['api', 'env']),
  createdAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** The endpoint with its signing secret: only when made and when its secret is rotated. */
export const WebhookEndpointWithSecret = WebhookEndpoint.extend({ secret: z.string() });
export const WebhookEndpointList = z.object({ items: z.array(WebhookEndpoint) });
/** An endpoint's id as the server makes them: `wh_<uuid>`, or `env-<n>` for PARLEY_WEBHOOK_URLS. */
export const WebhookIdParams = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'an endpoint id') });

export const WebhookDelivery = z.object({
  id: z.number(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(z.object({ at: z.string(), statusCode: z.number().nullable(), error: z.string().nullable(), durationMs: z.number() })),
  /** When the next attempt is due (pending only). */
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
});
export const WebhookDeliveryList = z.object({ items: z.array(WebhookDelivery) });
export const WebhookDeliveriesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50) });

/** What every delivery's body is. */
export interface WebhookEventBody {
  id: string;
  type: WebhookEventName;
  createdAt: string;
  data: unknown;
}
