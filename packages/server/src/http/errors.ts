/** Turns anything thrown in a request into `{ error: { code, message } }` with the right status. */
import { type ErrorCode, ParleyError } from '@parley/protocol';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';

// Fastify's own errors, mapped onto Parley's codes.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  // A path that cannot name anything we serve: a bad percent-encoding, a path parameter
  // longer than the router takes, or a static path the file server refuses (`..`, NUL).
  FST_ERR_BAD_URL: 'NOT_FOUND',
  FST_STATIC_FORBIDDEN_PATH: 'NOT_FOUND',
};

/** Any other error fastify or a plugin makes for a bad request, by its HTTP status. */
function byClientStatus(status: number | undefined): ErrorCode | undefined {
  if (status === undefined || status < 400 || status >= 500) return undefined;
  if (status === 404 || status === 403 || status === 414) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'VALIDATION_FAILED';
}

export function toParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error;
  const e = error as Partial<FastifyError>;
  const mapped = (e.code ? FASTIFY_CODES[e.code] : undefined) ?? (e.code?.startsWith('FST_') ? byClientStatus(e.statusCode) : undefined);
  if (mapped) return new ParleyError(mapped, mapped === 'NOT_FOUND' ? undefined : e.message);
  if (error instanceof SyntaxError && (e.statusCode === 400 || /JSON/.test(error.message))) return new ParleyError('INVALID_JSON', error.message);
  return new ParleyError('INTERNAL_ERROR', undefined, { cause: error });
}

/**
 * A request Node's HTTP parser refuses before fastify sees it (raw non-ASCII
 * bytes in the request line, a broken header): answered in our error shape too.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return;
  const parley = new ParleyError('VALIDATION_FAILED', 'The HTTP request is malformed');
  const body = JSON.stringify(parley.toJSON());
  const head = `HTTP/1.1 ${parley.status} Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  socket.end(error.code === 'ECONNRESET' ? undefined : head + body);
}

/** Errors fastify answers before routing (a malformed percent-encoding): our shape too. */
export const answerFrameworkError: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, _request, reply) => {
  const parley = toParleyError(error);
  (reply as FastifyReply).code(parley.status).send(parley.toJSON());
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const parley = toParleyError(error);
    if (parley.code === 'INTERNAL_ERROR') request.log.error({ err: error }, 'unhandled error');
    else request.log.info({ code: parley.code }, parley.message);
    reply.code(parley.status).send(parley.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const parley = new ParleyError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`);
    reply.code(404).send(parley.toJSON());
  });
}
