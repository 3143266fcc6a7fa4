/**
 * The webhook tables: endpoints (with the secret each is signed with), the
 * outbox of events, one delivery per (event, endpoint) and every attempt.
 * An event and its deliveries are written in one transaction; the dispatcher
 * reads what is due from here, so nothing waits in memory alone.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database, Row } from '../store/database.ts';
import { dateOrNull as date } from '../store/row-values.ts';
import type { WebhookEventType } from './webhook-events.ts';

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** null: every event. */
  events: WebhookEventType[] | null;
  /** Kept as it is: signing needs it (docs/operations.md says why). */
  secret: string;
  /** `api` (POST /v1/webhooks) or `env` (PARLEY_WEBHOOK_URLS). */
  source: 'api' | 'env';
  createdAt: Date;
}

export interface DueDelivery {
  id: number;
  endpoint: WebhookEndpoint;
  orderKey: string;
  attempts: number;
  firstTriedAt: Date | null;
  /** The exact body to send (the event as JSON), signed per attempt. */
  body: string;
  eventId: string;
  eventType: string;
}

export interface DeliveryView {
  id: number;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: { at: string; statusCode: number | null; error: string | null; durationMs: number }[];
  nextAttemptAt: string | null;
  createdAt: string;
}

const toEndpoint = (r: Row): WebhookEndpoint => ({
  id: String(r.id),
  url: String(r.url),
  events: (r.events as WebhookEventType[] | null) ?? null,
  secret: String(r.secret),
  source: r.source as 'api' | 'env',
  createdAt: date(r.created_at) as Date,
});

export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64url')}`;

export class WebhookStore {
  constructor(private readonly db: Database) {}

  // ——— endpoints ———

  async create(url: string, events: WebhookEventType[] | null): Promise<WebhookEndpoint> {
    const rows = await this.db.query(
      `insert into webhook_endpoints (id, url, events, secret, source) values ($1, $2, $3, $4, 'api') returning *`,
      [`wh_${randomUUID()}`, url, events === null ? null : JSON.stringify(events), newWebhookSecret()],
    );
    return toEndpoint(rows[0] as Row);
  }

  /** Makes the env endpoints exactly `urls` (ids env-0, env-1, … by position), all with `secret`. */
  async setEnvEndpoints(urls: readonly string[], secret: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`delete from webhook_endpoints where source = 'env' and not (id = any($1::text[]))`, [urls.map((_, i) => `env-${i}`)]);
      for (const [i, url] of urls.entries()) {
        await tx.query(
          `insert into webhook_endpoints (id, url, events, secret, source) values ($1, $2, null, $3, 'env')
           on conflict (id) do update set url = excluded.url, secret = excluded.secret`,
          [`env-${i}`, url, secret],
        );
      }
    });
  }

  async list(): Promise<WebhookEndpoint[]> {
    return (await this.db.query('select * from webhook_endpoints order by created_at, id')).map(toEndpoint);
  }

  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const rows = await this.db.query('select * from webhook_endpoints where id = $1', [id]);
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.query(`delete from webhook_endpoints where id = $1 and source = 'api' returning id`, [id])).length > 0;
  }

  async rotateSecret(id: string): Promise<WebhookEndpoint | undefined> {
    const rows = await this.db.query(`update webhook_endpoints set secret = $2 where id = $1 and source = 'api' returning *`, [id, newWebhookSecret()]);
    return rows[0] ? toEndpoint(rows[0]) : undefined;
  }

  // ——— the outbox ———

  /** The event and a delivery to every endpoint that takes its type, in one transaction. */
  async record(event: { id: string; type: WebhookEventType; createdAt: Date }, orderKey: string, body: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ seq: number }>(
        'insert into webhook_events (id, type, order_key, created_at, body) values ($1, $2, $3, $4, $5) returning seq',
        [event.id, event.type, orderKey, event.createdAt, body],
      );
      await tx.query(
        `insert into webhook_deliveries (endpoint_id, event_seq, order_key, next_attempt_at)
         select id, $1, $2, $3 from webhook_endpoints where events is null or events ? $4`,
        [row?.seq, orderKey, event.createdAt, event.type],
      );
    });
  }

  /**
   * Deliveries due now, oldest event first, each the first one pending of its
   * (endpoint, session): a later event waits until the earlier is delivered or given up.
   */
  async due(limit: number, now = new Date()): Promise<DueDelivery[]> {
    const rows = await this.db.query(
      `select d.id, d.order_key, d.attempts, d.first_tried_at, ev.body, ev.id as event_id, ev.type as event_type,
              e.id as e_id, e.url, e.events, e.secret, e.source, e.created_at
       from webhook_deliveries d
       join webhook_events ev on ev.seq = d.event_seq
       join webhook_endpoints e on e.id = d.endpoint_id
       where d.status = 'pending' and d.next_attempt_at <= $1
         and not exists (select 1 from webhook_deliveries p where p.endpoint_id = d.endpoint_id and p.order_key = d.order_key
                         and p.status = 'pending' and p.event_seq < d.event_seq)
       order by d.event_seq limit $2`,
      [now, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      endpoint: toEndpoint({ ...r, id: r.e_id }),
      orderKey: String(r.order_key),
      attempts: Number(r.attempts),
      firstTriedAt: date(r.first_tried_at),
      body: String(r.body),
      eventId: String(r.event_id),
      eventType: String(r.event_type),
    }));
  }

  /** When the next pending delivery is due, if any. */
  async nextDue(): Promise<Date | undefined> {
    const [row] = await this.db.query(`select min(next_attempt_at) as at from webhook_deliveries where status = 'pending'`);
    return date(row?.at) ?? undefined;
  }

  /** One attempt's outcome: delivered, failed for good, or pending again at `retryAt`. */
  async attempted(
    id: number,
    attempt: { at: Date; statusCode: number | null; error: string | null; durationMs: number },
    outcome: { status: 'delivered' | 'failed' } | { status: 'pending'; retryAt: Date },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('insert into webhook_attempts (delivery_id, attempted_at, status_code, error, duration_ms) values ($1, $2, $3, $4, $5)', [
        id,
        attempt.at,
        attempt.statusCode,
        attempt.error,
        attempt.durationMs,
      ]);
      await tx.query(
        `update webhook_deliveries set attempts = attempts + 1, first_tried_at = coalesce(first_tried_at, $2),
           status = $3, next_attempt_at = $4 where id = $1`,
        [id, attempt.at, outcome.status, outcome.status === 'pending' ? outcome.retryAt : attempt.at],
      );
    });
  }

  /** An endpoint's deliveries, newest event first, with their attempts. */
  async deliveries(endpointId: string, limit: number): Promise<DeliveryView[]> {
    const rows = await this.db.query(
      `select d.id, d.status, d.next_attempt_at, ev.id as event_id, ev.type, ev.created_at,
              coalesce((select json_agg(json_build_object('at', a.attempted_at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) order by a.id)
                        from webhook_attempts a where a.delivery_id = d.id), '[]'::json) as attempts
       from webhook_deliveries d join webhook_events ev on ev.seq = d.event_seq
       where d.endpoint_id = $1 order by d.event_seq desc limit $2`,
      [endpointId, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      eventId: String(r.event_id),
      eventType: String(r.type),
      status: r.status as DeliveryView['status'],
      attempts: (r.attempts as DeliveryView['attempts']).map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
      nextAttemptAt: r.status === 'pending' ? (date(r.next_attempt_at) as Date).toISOString() : null,
      createdAt: (date(r.created_at) as Date).toISOString(),
    }));
  }
}
