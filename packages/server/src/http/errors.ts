/** Turns anything thrown in a request into `{ error: { code, message } }` with the right status. */
import { type ErrorCode, ParleyError } from '@parley/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';

// Fastify's own errors, mapped onto Parley's codes.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
};

export function toParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error;
  const e = error as Partial<FastifyError>;
  const mapped = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new ParleyError(mapped, e.message);
  if (error instanceof SyntaxError && (e.statusCode === 400 || /JSON/.test(error.message))) return new ParleyError('INVALID_JSON', error.message);
  return new ParleyError('INTERNAL_ERROR', undefined, { cause: error });
}

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
