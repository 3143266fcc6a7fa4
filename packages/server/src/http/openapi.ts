/**
 * The OpenAPI 3.1 document, written from the same route list that serves
 * requests. Client generators need what this adds to the schemas: an
 * operationId and a tag on every operation, the error codes as an enum, and
 * the file route's real answers (a test validates it: openapi.test.ts).
 */
import { ERROR_CODES, type ErrorCode, ErrorResponse } from '@parley/protocol';
import { z } from 'zod';
import { type AnyRoute, type FileResponse, ROUTE_TAGS } from './route.ts';

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

/** The error body with its `code` narrowed to the documented codes (docs/errors.md). */
const CODES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
const DocumentedError = z.object({ error: ErrorResponse.shape.error.extend({ code: z.enum(CODES) }) });
const ERROR_REF = { $ref: '#/components/responses/Error' };

const SECURITY: Record<string, object[]> = {
  apiKey: [{ apiKey: [] }, { apiKeyHeader: [] }],
  authToken: [{ authToken: [] }],
  apiKeyOrAuthToken: [{ apiKey: [] }, { apiKeyHeader: [] }, { authToken: [] }],
  none: [],
};

function pathParams(url: string, schema: z.ZodType | undefined) {
  const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1] as string);
  const props = schema ? ((json(schema, 'input') as { properties?: Record<string, object> }).properties ?? {}) : {};
  return names.map((name) => ({ name, in: 'path', required: true, schema: props[name] ?? { type: 'string' } }));
}

function queryParams(schema: z.ZodType | undefined) {
  if (!schema) return [];
  const s = json(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, p]) => ({ name, in: 'query', required: s.required?.includes(name) ?? false, schema: p }));
}

/** 200 with the whole file; with ranges also 206 with a part and 416 for a range outside it. */
function fileResponses(file: FileResponse) {
  const content = Object.fromEntries(file.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]));
  const ranged = {
    206: {
      description: 'The part of the file the Range header asked for',
      headers: { 'Content-Range': { schema: { type: 'string' }, description: 'bytes start-end/size' } },
      content,
    },
    416: { description: 'The range lies outside the file (RANGE_NOT_SATISFIABLE)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  };
  return {
    200: { description: 'The whole file', headers: { 'Accept-Ranges': { schema: { type: 'string', const: 'bytes' } } }, content },
    ...(file.ranges ? ranged : {}),
  };
}

function responses(r: AnyRoute) {
  const { status, schema, file } = r.response;
  if (file) return { ...fileResponses(file), default: ERROR_REF };
  const ok = schema ? { description: 'OK', content: { 'application/json': { schema: json(schema, 'output') } } } : { description: 'No content' };
  return { [status]: ok, default: ERROR_REF };
}

export function openApiDocument(routes: readonly AnyRoute[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: r.operationId,
      tags: [r.tag],
      summary: r.summary,
      security: SECURITY[r.auth],
      parameters: [...pathParams(r.url, r.params), ...queryParams(r.query)],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(r.body, 'input') } } } } : {}),
      responses: responses(r),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Parley', version, license: { name: 'MIT', identifier: 'MIT' } },
    tags: Object.entries(ROUTE_TAGS).map(([name, description]) => ({ name, description })),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'The server API key' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        authToken: { type: 'http', scheme: 'bearer', description: "A user's auth token" },
      },
      schemas: { Error: json(DocumentedError, 'output') },
      responses: {
        Error: { description: 'An error: its code says which (docs/errors.md)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    },
    paths,
  };
}
