/**
 * Ringing: this tab's user channel (ParleyRinging.login), so calls to the user
 * ring here, and the SDK's incoming and outgoing screens over the page.
 */
import { ParleyRinging } from '@parley/sdk';
import type { DemoState } from './state.ts';

export interface RingingActions {
  /** Both sides, once a call is answered: join its session as a direct call. */
  enterDirectCall(sessionId: string, audioOnly: boolean): Promise<void>;
  /** A call ended before it was answered: the lobby lists it. */
  refreshLobby(): void;
}

export async function startRinging(state: DemoState, actions: RingingActions): Promise<void> {
  await ParleyRinging.login(state.requireUser().authToken);
  if (state.ringingScreen) return;
  const screen = ParleyRinging.renderCallScreen(document.body, {
    onAccepted: (call) => void actions.enterDirectCall(call.sessionId, call.type === 'audio'),
    onClosed: () => actions.refreshLobby(),
  });
  state.ringingScreenShown(screen);
}
