/**
 * Whatever draws a session: the default UI, the plain renderer, or an app's
 * own. The core knows only this interface; `api/` picks and builds the view
 * (the session calls the factory once it has a connection to draw), and the
 * view reads and drives the session through its public API alone.
 */
import type { CallSession } from './call-session.ts';

export interface SessionView {
  /** Picture-in-picture of the call; undefined when the view has nothing to show there. */
  enterPIPMode(): Promise<unknown> | undefined;
  exitPIPMode(): Promise<void>;
  /** Removes everything it drew and stops listening; the session calls it once, as it ends. */
  destroy(): void;
}

export type SessionViewFactory = (session: CallSession) => SessionView;
