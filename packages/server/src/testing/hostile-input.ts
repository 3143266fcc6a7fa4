/**
 * Generators of hostile input for the fuzz tests (fast-check): the strings,
 * bodies and frames an attacker or a broken client sends. Each case is a
 * plain value, so a failing one can be printed and replayed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';

/** Text that is odd on purpose: control characters, NUL, lone surrogates, emoji, right-to-left, long. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\udfff', 'a\u0000b', '\u202e', '..', '../..', '%00', '%zz', '%2e%2e', '{}', '[]', 'null', '__proto__', 'constructor'),
  fc.string({ minLength: 90, maxLength: 400 }),
  fc.nat(5_000).map((n) => 'x'.repeat(n * 20)),
);

/** JSON nested `depth` levels deep, written as text (a value that deep would overflow JSON.stringify). */
export function deeplyNested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Any JSON value, with nasty strings in keys and values. */
export const nastyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 4 }).chain((base) =>
  fc.oneof(
    fc.constant(base),
    fc.dictionary(nastyString, fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nastyString, { maxLength: 5 })), { maxKeys: 6 }),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2_000 }),
  ),
);

/** A valid object with one field replaced by something of the wrong type or shape. */
export function mutated(valid: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(valid);
  return fc.record({
    key: fc.oneof(fc.constantFrom(...keys), nastyString),
    value: fc.oneof(nastyJson, nastyString, fc.constant(undefined)),
  }).map(({ key, value }) => ({ ...valid, [key]: value }));
}

/** What a body may be on the wire: JSON text, broken JSON, invalid UTF-8, very deep. */
export type WireBody = { kind: 'json'; value: unknown } | { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Uint8Array };

export function wireBody(valid: Record<string, unknown>[]): fc.Arbitrary<WireBody> {
  const validOrMutated = valid.length > 0 ? fc.oneof(...valid.map((v) => fc.oneof(fc.constant(v), mutated(v)))) : nastyJson;
  return fc.oneof(
    { weight: 4, arbitrary: validOrMutated.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 3, arbitrary: nastyJson.map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.string().map((text) => ({ kind: 'text' as const, text })) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({ kind: 'bytes' as const, bytes })) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => ({ kind: 'text' as const, text: deeplyNested(depth) })) },
  );
}

/** The body as bytes to send. */
export function bodyBytes(body: WireBody): Uint8Array<ArrayBuffer> {
  if (body.kind === 'bytes') return new Uint8Array(body.bytes);
  return new TextEncoder().encode(body.kind === 'json' ? (JSON.stringify(body.value) ?? 'null') : body.text);
}

/**
 * A path segment as a client would percent-encode it; a lone surrogate, which
 * has no UTF-8 form, goes out as the bytes of one (ED A0 80), invalid UTF-8.
 */
export function hostilePathSegment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return `%ED%A0%80${encodeURIComponent(text.replace(/[\uD800-\uDFFF]/g, ''))}`;
  }
}

/** The heap in use after a full garbage collection, in MiB: what a fuzz run may not grow. */
export function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
