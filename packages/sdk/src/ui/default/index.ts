/** The default call UI, rendered by `startSession` when `setDefaultLayout(true)`. */
export { DefaultCallUI } from './default-ui.ts';
export type { UIEvents, UISession } from './session-api.ts';
