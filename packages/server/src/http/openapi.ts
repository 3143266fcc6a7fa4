/** The OpenAPI 3.1 document, written from the same route list that serves requests. */
import { ErrorResponse } from '@parley/protocol';
import { z } from 'zod';
import type { AnyRoute } from './route.ts';

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' });

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

export function openApiDocument(routes: readonly AnyRoute[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      summary: r.summary,
      security: SECURITY[r.auth],
      parameters: [...pathParams(r.url, r.params), ...queryParams(r.query)],
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(r.body, 'input') } } } } : {}),
      responses: {
        [r.response.status]: r.response.schema
          ? { description: 'OK', content: { 'application/json': { schema: json(r.response.schema, 'output') } } }
          : { description: 'No content' },
        default: { description: 'Error', content: { 'application/json': { schema: json(ErrorResponse, 'output') } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Parley', version },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'The server API key' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        authToken: { type: 'http', scheme: 'bearer', description: "A user's auth token" },
      },
    },
    paths,
  };
}
