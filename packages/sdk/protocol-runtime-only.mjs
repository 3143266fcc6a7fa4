// The SDK takes only types from @parley/protocol, plus the values of runtime.ts
// (ParleyError, ERROR_CODES, isErrorCode, CLOSE_CODES, the kit). Resolving the
// package there keeps zod and the schemas out of the browser bundle; importing
// any other value from the protocol fails the build instead of silently growing it.
// Used by build.mjs and by the headless bundle test (src/core.test.ts).
export const protocolRuntimeOnly = {
  name: 'protocol-runtime-only',
  setup(b) {
    b.onResolve({ filter: /^@parley\/protocol$/ }, () => ({
      path: new URL('../protocol/src/runtime.ts', import.meta.url).pathname,
    }));
  },
};
