/**
 * Webhooks on this server: the store, the outbox writes (`record`, awaited
 * by the step that changed the state, so the event is in the database before
 * anyone is told) and the dispatcher that sends them.
 */
import type { Logger } from 'pino';
import type { OperationsConfig } from '../operations-config.ts';
import type { Database } from '../store/database.ts';
import { reportTo } from '../util/listener-errors.ts';
import { WebhookDispatcher } from './webhook-dispatcher.ts';
import { type WebhookEventType, webhookEvent } from './webhook-events.ts';
import { WebhookStore } from './webhook-store.ts';

export class Webhooks {
  readonly store: WebhookStore;
  readonly dispatcher: WebhookDispatcher;

  constructor(db: Database, log: Logger) {
    this.store = new WebhookStore(db);
    this.dispatcher = new WebhookDispatcher(this.store, log, reportTo(log));
  }

  /** Makes the PARLEY_WEBHOOK_URLS endpoints match the configuration, then delivers what is due (also what a killed server left). */
  async start(config: Pick<OperationsConfig, 'webhookUrls' | 'webhookSecret'>): Promise<void> {
    if (config.webhookUrls.length > 0 && !config.webhookSecret) throw new Error('PARLEY_WEBHOOK_URLS needs PARLEY_WEBHOOK_SECRET (at least 24 characters) to sign with');
    await this.store.setEnvEndpoints(config.webhookUrls, config.webhookSecret ?? '');
    this.dispatcher.nudge();
  }

  /** Writes one event to the outbox, ordered with the others of `orderKey` (the session id). */
  async record(type: WebhookEventType, orderKey: string, data: unknown): Promise<void> {
    const event = webhookEvent(type, data);
    await this.store.record({ id: event.id, type, createdAt: new Date(event.createdAt) }, orderKey, JSON.stringify(event));
    this.dispatcher.nudge();
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}
