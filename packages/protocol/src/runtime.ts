/**
 * The protocol's values that need no schema library: what the browser SDK
 * bundles (packages/sdk/build.mjs resolves @parley/protocol here).
 */
export * from './close-codes.ts';
export * from './errors.ts';
export * from './kit/index.ts';
export * from './view-limits.ts';
export * from './network-quality.ts';
