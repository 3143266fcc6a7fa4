/**
 * The protocol's runtime part as the browser bundles carry it (protocol-runtime-only.mjs):
 * every code, with its status, but the default message only of the codes the SDK raises
 * with no message of its own — its other errors carry their own, and the server's come
 * with the server's message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES as SERVER_ERROR_CODES } from '@parley/protocol';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGE_CODES, protocolRuntimeOnly } from '../protocol-runtime-only.mjs';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** The browser's ERROR_CODES: runtime.ts bundled as build.mjs bundles it, then imported. */
async function browserErrorCodes(): Promise<Record<string, { status: number; message: string }>> {
  const { outputFiles } = await build({
    stdin: { contents: "export { ERROR_CODES } from '@parley/protocol';", resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    plugins: [protocolRuntimeOnly],
  });
  const url = `data:text/javascript;base64,${Buffer.from(outputFiles[0]!.contents).toString('base64')}`;
  return (await import(url)).ERROR_CODES;
}

/** The TypeScript sources under `dir`, tests and test helpers left out. */
function sourcesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('testing/'))
    .map((file) => readFileSync(join(dir, file), 'utf8'));
}

const SDK_SOURCES = [...sourcesIn(join(ROOT, 'packages/sdk/src')), ...sourcesIn(join(ROOT, 'packages/protocol/src/kit'))];

describe('the error codes a browser bundle carries', () => {
  it('list every code the SDK and the protocol kit raise with no message of their own among those whose message ships', () => {
    const bare = new Set<string>();
    for (const source of SDK_SOURCES) {
      for (const m of source.matchAll(/new ParleyError\('([A-Z_]+)'(?:\)|,\s*undefined\b)/g)) bare.add(m[1]!);
    }
    expect([...bare].filter((code) => !DEFAULT_MESSAGE_CODES.has(code))).toEqual([]);
  });

  it('find no error made with a code chosen at run time and no message of its own', () => {
    // `new ParleyError(code, message …)` with a variable code must pass a message: its default would not ship.
    const variableCode = SDK_SOURCES.flatMap((source) => [...source.matchAll(/new ParleyError\(([a-z][\w.]*)(\)|,\s*undefined\b)/g)].map((m) => m[0]));
    expect(variableCode).toEqual([]);
  });

  it('keep every code and status, the messages of those raised bare, and the code as the message of the rest', async () => {
    const browser = await browserErrorCodes();
    expect(Object.keys(browser)).toEqual(Object.keys(SERVER_ERROR_CODES));
    for (const [code, { status, message }] of Object.entries(SERVER_ERROR_CODES)) {
      expect(browser[code]).toEqual({ status, message: DEFAULT_MESSAGE_CODES.has(code) ? message : code });
    }
  });
});
