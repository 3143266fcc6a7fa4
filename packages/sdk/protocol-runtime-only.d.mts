import type { Plugin } from 'esbuild';

/** esbuild plugin: `@parley/protocol` resolves to its runtime part only (see protocol-runtime-only.mjs). */
export declare const protocolRuntimeOnly: Plugin;
