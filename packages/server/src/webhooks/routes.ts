/** `/v1/webhooks` (API key): register, list, delete and rotate endpoints; see their deliveries. */
import {
  CreateWebhookBody,
  ParleyError,
  WebhookDeliveriesQuery,
  WebhookDeliveryList,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
  WebhookIdParams,
} from '@parley/protocol';
import { defineRoute } from '../http/route.ts';
import type { WebhookEndpoint, WebhookStore } from './webhook-store.ts';

const view = (e: WebhookEndpoint) => ({ id: e.id, url: e.url, events: e.events, source: e.source, createdAt: e.createdAt.toISOString() });
const notFound = (id: string) => new ParleyError('WEBHOOK_NOT_FOUND', `No webhook endpoint "${id}" made with the API (endpoints from PARLEY_WEBHOOK_URLS change with it)`);

export function webhookRoutes(store: WebhookStore) {
  return [
    defineRoute({
      method: 'POST',
      url: '/v1/webhooks',
      operationId: 'createWebhook',
      tag: 'webhooks',
      summary: 'Register an endpoint for every event, or for `events`; the answer carries its signing secret (shown only now and on rotation)',
      auth: 'apiKey',
      body: CreateWebhookBody,
      response: { status: 201, schema: WebhookEndpointWithSecret },
      handler: async ({ body }) => {
        const endpoint = await store.create(body.url, body.events ?? null);
        return { ...view(endpoint), secret: endpoint.secret };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/webhooks',
      operationId: 'listWebhooks',
      tag: 'webhooks',
      summary: 'Every endpoint, from the API and from PARLEY_WEBHOOK_URLS (without secrets)',
      auth: 'apiKey',
      response: { status: 200, schema: WebhookEndpointList },
      handler: async () => ({ items: (await store.list()).map(view) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/v1/webhooks/:id',
      operationId: 'deleteWebhook',
      tag: 'webhooks',
      summary: 'Delete an endpoint and its pending deliveries',
      auth: 'apiKey',
      params: WebhookIdParams,
      response: { status: 204 },
      handler: async ({ params }) => {
        if (!(await store.delete(params.id))) throw notFound(params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/v1/webhooks/:id/rotate-secret',
      operationId: 'rotateWebhookSecret',
      tag: 'webhooks',
      summary: 'A new signing secret for the endpoint; deliveries from now on are signed with it',
      auth: 'apiKey',
      params: WebhookIdParams,
      response: { status: 200, schema: WebhookEndpointWithSecret },
      handler: async ({ params }) => {
        const endpoint = await store.rotateSecret(params.id);
        if (!endpoint) throw notFound(params.id);
        return { ...view(endpoint), secret: endpoint.secret };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/webhooks/:id/deliveries',
      operationId: 'listWebhookDeliveries',
      tag: 'webhooks',
      summary: "The endpoint's deliveries, newest event first, each with its attempts (time, status code or error, duration) and the next one's time",
      auth: 'apiKey',
      params: WebhookIdParams,
      query: WebhookDeliveriesQuery,
      response: { status: 200, schema: WebhookDeliveryList },
      handler: async ({ params, query }) => {
        if (!(await store.get(params.id))) throw notFound(params.id);
        return { items: await store.deliveries(params.id, query.limit) };
      },
    }),
  ];
}
