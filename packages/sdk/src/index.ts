/**
 * Parley's browser SDK, as the server serves it (/sdk/parley.js): the core
 * (core.ts), the static ParleyCalls API, and the default UI it composes; the
 * ringing flow's static ParleyRinging, which an app that never rings shakes out.
 */
export * from './core.ts';
export { ParleyCalls, type ParleyInitOptions } from './api/parley-calls.ts';
export { ParleyRinging } from './api/parley-ringing.ts';
export type { RingingScreen, RingingScreenOptions } from './ui/default/ringing-screen.ts';
