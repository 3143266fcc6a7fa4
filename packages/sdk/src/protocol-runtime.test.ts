/**
 * The protocol's runtime part as the browser bundles carry it (protocol-runtime-only.mjs):
 * every code, with its status, but the default message only of the codes the SDK raises
 * itself — the others come from the server with the server's message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES as SERVER_ERROR_CODES } from '@parley/protocol';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BROWSER_RAISED_CODES, protocolRuntimeOnly } from '../protocol-runtime-only.mjs';

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

/** Every code named under `dir` (tests left out): `new ParleyError('CODE'`, `asParleyError(e, 'CODE')`, `return 'CODE';`. */
function codesRaisedIn(dir: string): Set<string> {
  const codes = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.includes('testing/')) continue;
    const source = readFileSync(join(dir, file), 'utf8');
    for (const m of source.matchAll(/(?:new ParleyError\(|asParleyError\([^,()]+,\s*)'([A-Z_]+)'/g)) codes.add(m[1]!);
    for (const m of source.matchAll(/return '([A-Z_]+)';/g)) codes.add(m[1]!);
  }
  return new Set([...codes].filter((code) => Object.hasOwn(SERVER_ERROR_CODES, code)));
}

describe('the error codes a browser bundle carries', () => {
  it('list every code the SDK and the protocol kit raise by name among those whose message ships', () => {
    const raised = new Set([...codesRaisedIn(join(ROOT, 'packages/sdk/src')), ...codesRaisedIn(join(ROOT, 'packages/protocol/src/kit'))]);
    // errorFromResponse's codes for an answer without a Parley error (protocol errors.ts).
    for (const code of ['NETWORK_ERROR', 'NOT_FOUND', 'VALIDATION_FAILED']) raised.add(code);
    raised.add('INTERNAL_ERROR'); // asParleyError's fallback
    expect([...raised].filter((code) => !BROWSER_RAISED_CODES.has(code))).toEqual([]);
  });

  it('keep every code and status, the messages of those the SDK raises, and the code as the message of the rest', async () => {
    const browser = await browserErrorCodes();
    expect(Object.keys(browser)).toEqual(Object.keys(SERVER_ERROR_CODES));
    for (const [code, { status, message }] of Object.entries(SERVER_ERROR_CODES)) {
      expect(browser[code]).toEqual({ status, message: BROWSER_RAISED_CODES.has(code) ? message : code });
    }
  });
});
