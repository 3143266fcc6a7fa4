/**
 * One declaration per REST route: its auth, its schemas, its handler. The same
 * list registers the routes and writes the OpenAPI document, so they agree.
 */
import { ParleyError, type User } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Services } from '../services.ts';
import { parseOrThrow } from '../util/validate.ts';
import { type AuthMode, authenticate, type Caller } from './auth.ts';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The groups of the OpenAPI document (its `tags`); every route is in one. */
export const ROUTE_TAGS = {
  users: 'Users and their auth tokens (API key)',
  calls: 'Call tokens and the call log',
  recordings: 'Recordings and their files',
  health: 'Whether the server is up',
  webhooks: 'Webhook endpoints and their deliveries (API key)',
  development: 'Only in development (PARLEY_DEV_LOGIN)',
} as const;
export type RouteTag = keyof typeof ROUTE_TAGS;

/** A route that answers with a file rather than JSON. */
export interface FileResponse {
  /** Each one it may answer with (a recording is video/webm, or audio/webm for an audio-only call). */
  contentTypes: readonly string[];
  /** Answers `Range` requests: 206 with the part, 416 when the range lies outside the file. */
  ranges: boolean;
}

export interface RouteSpec<B extends Schema | undefined, P extends Schema | undefined, Q extends Schema | undefined> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** Unique; what client generators name the method (the server SDK's route names). */
  operationId: string;
  tag: RouteTag;
  summary: string;
  auth: AuthMode;
  body?: B;
  params?: P;
  query?: Q;
  response: { status: number; schema?: Schema; file?: FileResponse };
  handler(ctx: {
    body: Out<B>;
    params: Out<P>;
    query: Out<Q>;
    caller: Caller;
    services: Services;
    request: FastifyRequest;
    reply: FastifyReply;
  }): Promise<unknown>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list of routes of differing schema types
export type AnyRoute = RouteSpec<any, any, any>;

export function defineRoute<B extends Schema | undefined = undefined, P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined>(
  spec: RouteSpec<B, P, Q>,
): RouteSpec<B, P, Q> {
  return spec;
}

function isJson(contentType: string | undefined): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? '');
}

export function registerRoutes(app: FastifyInstance, services: Services, routes: readonly AnyRoute[]): void {
  for (const spec of routes) {
    app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        const caller = await authenticate(request, spec.auth, services);
        // fastify also parses text/plain; Parley's bodies are JSON only.
        if (spec.body && request.body !== undefined && !isJson(request.headers['content-type'])) throw new ParleyError('UNSUPPORTED_MEDIA_TYPE');
        const body = spec.body ? parseOrThrow(spec.body, request.body, 'body') : undefined;
        const params = spec.params ? parseOrThrow(spec.params, request.params, 'params') : undefined;
        const query = spec.query ? parseOrThrow(spec.query, request.query ?? {}, 'query') : undefined;
        const result = await spec.handler({ body, params, query, caller, services, request, reply });
        if (reply.sent) return reply;
        reply.code(spec.response.status);
        return result === undefined ? reply.send() : reply.send(result);
      },
    });
  }
}

export type { Caller, User };
