// The SDK takes only types from @parley/protocol, plus the values of runtime.ts
// (ParleyError, ERROR_CODES, isErrorCode, CLOSE_CODES, the kit). Resolving the
// package there keeps zod and the schemas out of the browser bundle; importing
// any other value from the protocol fails the build instead of silently growing it.
// Used by build.mjs, the headless bundle test (src/core.test.ts) and the React e2e page.
import { readFile } from 'node:fs/promises';

const ERRORS = new URL('../protocol/src/errors.ts', import.meta.url).pathname;

/**
 * The codes the browser SDK raises with no message of its own (`new ParleyError('NO_ACTIVE_SESSION')`;
 * a test finds them all under src/): their default messages ship in the bundle. Every other
 * error the SDK raises carries its own message, and every code reaching the browser from the
 * server carries the server's, so in the bundle those codes' `ERROR_CODES` entries keep their
 * status and carry the code as their message.
 */
export const DEFAULT_MESSAGE_CODES = new Set(['NOT_LOGGED_IN', 'NO_ACTIVE_SESSION', 'SCREEN_SHARE_CANCELLED', 'SCREEN_SHARE_UNSUPPORTED']);

/** One entry of errors.ts's ERROR_CODES table: `  CODE: { status: 400, message: '…' },`. */
const ENTRY = /^ +([A-Z_]+): \{ status: (\d+), message: ('(?:[^'\\]|\\.)*') \},$/gm;

/** The table as errors.ts writes it, from `export const ERROR_CODES = {` to its `} as const …;`. */
const TABLE = /^export const ERROR_CODES = \{$[\s\S]*?^\} as const.*;$/m;

/**
 * errors.ts with the server's messages left out (docs/errors.md and the server keep them), and
 * the table written in short: each code's status, with its message only where it ships, the
 * same `{ status, message }` entries made from that when the bundle loads. Repeating each code
 * as its own message cost the bundle ~160 B gzipped.
 */
async function browserErrors(path) {
  const source = await readFile(path, 'utf8');
  const table = source.match(TABLE)?.[0] ?? '';
  const short = [...table.matchAll(ENTRY)].map(([, code, status, message]) =>
    DEFAULT_MESSAGE_CODES.has(code) ? `${code}: [${status}, ${message}]` : `${code}: ${status}`,
  );
  // A table written another way would ship whole or not at all: say so rather than guess.
  const codes = table.match(/^ +[A-Z_]+: \{ status:/gm)?.length ?? 0;
  if (codes === 0 || short.length !== codes) {
    return { errors: [{ text: `protocol-runtime-only: ${short.length} of ${codes} ERROR_CODES entries matched the one-line form` }] };
  }
  const expanded = `export const ERROR_CODES = Object.fromEntries(
  Object.entries({ ${short.join(', ')} } as Record<string, number | [number, string]>).map(([code, entry]) => [
    code,
    typeof entry === 'number' ? { status: entry, message: code } : { status: entry[0], message: entry[1] },
  ]),
) as Record<string, { status: number; message: string }>;`;
  return { contents: source.replace(TABLE, () => expanded), loader: 'ts' };
}

export const protocolRuntimeOnly = {
  name: 'protocol-runtime-only',
  setup(b) {
    b.onResolve({ filter: /^@parley\/protocol$/ }, () => ({
      path: new URL('../protocol/src/runtime.ts', import.meta.url).pathname,
    }));
    b.onLoad({ filter: /[\\/]protocol[\\/]src[\\/]errors\.ts$/ }, (args) => (args.path === ERRORS ? browserErrors(args.path) : undefined));
  },
};
