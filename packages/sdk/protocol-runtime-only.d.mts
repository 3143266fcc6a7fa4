import type { Plugin } from 'esbuild';

/** esbuild plugin: `@parley/protocol` resolves to its runtime part only (see protocol-runtime-only.mjs). */
export declare const protocolRuntimeOnly: Plugin;

/** The error codes the browser SDK raises with no message of its own: the only ones whose default message the bundles carry. */
export declare const DEFAULT_MESSAGE_CODES: ReadonlySet<string>;
