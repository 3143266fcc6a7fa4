/**
 * /v1/openapi.json is a document client generators accept: valid OpenAPI 3.1
 * by @apidevtools/swagger-parser (the schema, unique operationIds, declared
 * path parameters), every operation named and tagged, errors typed by their
 * documented codes, and the recording file described as it answers.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { ERROR_CODES } from '@parley/protocol';
import type { OpenAPIV3_1 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

let server: TestServer;
let document: OpenAPIV3_1.Document;

beforeAll(async () => {
  server = await startTestServer();
  document = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as OpenAPIV3_1.Document;
});
afterAll(async () => {
  await server?.close();
});

const operations = () =>
  Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item ?? {}).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op: op as OpenAPIV3_1.OperationObject })),
  );

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for a validator from npm', async () => {
    // validate() dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
    expect(document.openapi).toBe('3.1.0');
  });

  it('names and tags every operation, each name once, each tag declared', () => {
    const declared = (document.tags ?? []).map((t) => t.name);
    const ids = operations().map(({ name, op }) => {
      expect(op.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.tags?.length, name).toBe(1);
      expect(declared, name).toContain(op.tags?.[0]);
      return op.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('types the error body by the documented codes', () => {
    const error = document.components?.schemas?.Error as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(error.properties.error.properties.code.enum).toEqual(Object.keys(ERROR_CODES));
    for (const { name, op } of operations()) expect(op.responses?.default, name).toEqual({ $ref: '#/components/responses/Error' });
  });

  it('describes the recording file as WebM with ranges: 200, 206 and 416', () => {
    const file = document.paths?.['/v1/recordings/{id}/file']?.get as OpenAPIV3_1.OperationObject;
    expect(file.operationId).toBe('downloadRecording');
    const answers = file.responses as Record<string, OpenAPIV3_1.ResponseObject>;
    expect(Object.keys(answers['200']?.content ?? {})).toContain('video/webm');
    expect(Object.keys(answers['206']?.content ?? {})).toContain('video/webm');
    expect(answers['206']?.headers).toHaveProperty('Content-Range');
    expect(answers['416']?.content?.['application/json']).toBeDefined();
  });

  it('lists /healthz, and it answers as described', async () => {
    expect(document.paths?.['/healthz']?.get?.operationId).toBe('getHealth');
    const health = await (await fetch(`${server.url}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number), media: expect.any(String) });
  });
});
