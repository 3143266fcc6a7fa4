/**
 * Parley's UIs on their own entry (`@parley/sdk/ui`): the default call UI,
 * the plain layout and the ringing screens, each drawing a session through its
 * public API alone. `ParleyCalls.startSession` loads the default UI by itself;
 * import this entry to draw a `CallSession` made with `@parley/sdk/core`.
 */
export { DefaultCallUI, type UIEvents, type UISession } from './ui/default/index.ts';
export { RingingScreen, type RingingScreenOptions } from './ui/default/ringing-screen.ts';
export { PlainRenderer } from './ui/plain-renderer.ts';
