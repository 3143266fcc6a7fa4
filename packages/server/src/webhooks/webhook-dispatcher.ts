/**
 * Sends what the outbox holds. Each due delivery is POSTed, signed at the
 * moment it is sent; one at a time per (endpoint, session), so a session's
 * events arrive in order. A timeout, a failed connection, a 5xx or a 429 is
 * tried again after an exponential back-off with jitter (a 429's Retry-After
 * if longer), until 24 h after the first attempt; any other answer outside
 * 2xx is final. Every attempt and its outcome is written before the next.
 * After a crash, a delivery that was in flight is still pending and is sent
 * again: the only way a receiver sees an event twice.
 */
import { type ListenerErrorReporter, TypedEmitter } from '@parley/protocol';
import type { Logger } from 'pino';
import { DEFAULTS } from '../defaults.ts';
import { signatureHeader } from './signature.ts';
import type { DueDelivery, WebhookStore } from './webhook-store.ts';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

export interface WebhookDispatcherEvents {
  /** One attempt ended so (metrics count them). */
  attempted: [e: { outcome: DeliveryOutcome }];
}

const BATCH = 50; // deliveries read per pass

/** How long before attempt `attempts + 1`: exponential, ±25 % jitter, capped. */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const { firstRetryMs, maxRetryMs } = DEFAULTS.webhooks;
  const base = Math.min(maxRetryMs, firstRetryMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

export class WebhookDispatcher extends TypedEmitter<WebhookDispatcherEvents> {
  /** (endpoint, session) pairs with a delivery in flight. */
  readonly #inFlight = new Set<string>();
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #passing: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(
    private readonly store: WebhookStore,
    private readonly log: Logger,
    report: ListenerErrorReporter,
  ) {
    super(report);
  }

  /** Looks for due deliveries now (an event was just written) and then every poll interval. */
  nudge(): void {
    if (this.#closed) return;
    if (this.#passing) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#passing = this.#pass()
      .catch((error: unknown) => this.log.error({ err: error }, 'webhook pass failed'))
      .finally(() => {
        this.#passing = undefined;
        if (this.#closed) return;
        if (this.#again) {
          this.#again = false;
          this.nudge();
          return;
        }
        this.#timer = setTimeout(() => this.nudge(), DEFAULTS.webhooks.pollMs);
        this.#timer.unref();
      });
  }

  /** Stops looking and waits for the attempts in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#passing;
    await Promise.allSettled([...this.#running]);
  }

  async #pass(): Promise<void> {
    for (const delivery of await this.store.due(BATCH)) {
      const key = `${delivery.endpoint.id} ${delivery.orderKey}`;
      if (this.#inFlight.has(key)) continue;
      this.#inFlight.add(key);
      const running = this.#attempt(delivery)
        .catch((error: unknown) => this.log.error({ err: error, delivery: delivery.id }, 'webhook attempt not recorded'))
        .finally(() => {
          this.#inFlight.delete(key);
          this.#running.delete(running);
          this.nudge(); // the next event of this session may be due now
        });
      this.#running.add(running);
    }
  }

  async #attempt(d: DueDelivery): Promise<void> {
    const at = new Date();
    let statusCode: number | null = null;
    let error: string | null = null;
    let retryAfterMs = 0;
    try {
      const response = await fetch(d.endpoint.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(DEFAULTS.webhooks.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          'parley-event-id': d.eventId,
          'parley-event-type': d.eventType,
          'parley-signature': signatureHeader(d.endpoint.secret, d.body, at),
        },
        body: d.body,
      });
      statusCode = response.status;
      retryAfterMs = Number(response.headers.get('retry-after') ?? 0) * 1000 || 0;
      await response.body?.cancel().catch(() => undefined);
    } catch (e) {
      error = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : String((e as { cause?: { code?: string } }).cause?.code ?? e);
    }
    const durationMs = Date.now() - at.getTime();
    const retryable = statusCode === null || statusCode === 429 || statusCode >= 500;
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const retryAt = new Date(Date.now() + Math.max(retryDelayMs(d.attempts + 1), Math.min(retryAfterMs, DEFAULTS.webhooks.maxRetryMs)));
    const givingUp = retryAt.getTime() - (d.firstTriedAt ?? at).getTime() > DEFAULTS.webhooks.giveUpAfterMs;
    const outcome: DeliveryOutcome = ok ? 'delivered' : retryable && !givingUp ? 'retry' : 'failed';
    await this.store.attempted(
      d.id,
      { at, statusCode, error, durationMs },
      outcome === 'retry' ? { status: 'pending', retryAt } : { status: outcome },
    );
    if (outcome !== 'delivered') this.log.warn({ endpoint: d.endpoint.id, event: d.eventId, statusCode, error, outcome }, 'webhook not delivered');
    this.emit('attempted', { outcome });
  }
}
