/**
 * The call: a session rendered by the SDK's default UI (with its record
 * button), the call's id and invite link, and every way out — Leave (or the
 * UI's end button), the other side ending a one-to-one call, the idle timeout.
 */
import { CallSettingsBuilder, ParleyCalls, ParleyError, ParleyRinging } from '@parley/sdk';
import { inviteLink } from './invite-link.ts';
import type { PageElements } from './page.ts';
import type { DemoState } from './state.ts';

const COPIED_MS = 2000;

export interface CallViewActions {
  toLobby(): void;
  fail(error: unknown): void;
}

export class CallView {
  constructor(
    private readonly elements: PageElements['call'],
    private readonly state: DemoState,
    private readonly actions: CallViewActions,
  ) {
    elements.copyLink.addEventListener('click', () => void this.copyInviteLink());
    elements.leave.addEventListener('click', () => void this.leave());
  }

  /** Joins `sessionId`: a group call (with an invite link), or a direct one from the ringing flow. */
  async enter(sessionId: string, audioOnly: boolean, direct: boolean): Promise<void> {
    this.state.enteredCall({ sessionId, direct });
    // A one-to-one call from the ringing flow has no invite link.
    if (!direct) history.replaceState(null, '', inviteLink(location, { sessionId, audioOnly }));
    this.elements.copyLink.hidden = direct;
    this.elements.id.textContent = sessionId;
    try {
      const token = await ParleyCalls.generateToken(this.state.requireUser().authToken, sessionId, { type: direct ? 'direct' : 'group' });
      const settings = new CallSettingsBuilder()
        .setDefaultLayout(true)
        .setIsAudioOnly(audioOnly)
        .setShowRecordingButton(true)
        .setShowSwitchToVideoCall(audioOnly)
        .setDelegate({
          onCallEndButtonPressed: () => void this.leave(),
          onCallEnded: () => void this.endedByOther(),
          onSessionTimeout: () => this.actions.toLobby(),
        })
        .build();
      await ParleyCalls.startSession(token, settings, this.elements.view);
    } catch (error) {
      if (error instanceof ParleyError && error.code === 'AUTH_TOKEN_INVALID') this.state.forgetAuthToken();
      this.actions.toLobby();
      this.actions.fail(error);
    }
  }

  private async leave(): Promise<void> {
    if (this.state.call?.direct) return this.hangUp();
    await ParleyCalls.endSession().catch(() => undefined); // ended already
    this.actions.toLobby();
  }

  /** Ends a one-to-one call for both, as the ringing flow asks: endCall, then clearActiveCall and endSession. */
  private async hangUp(): Promise<void> {
    const call = ParleyRinging.getActiveCall();
    try {
      if (call) await ParleyRinging.endCall(call.sessionId);
    } catch (error) {
      console.warn('endCall', error);
    }
    await this.closeDirectCall();
  }

  /** The other side ended the call (onCallEnded). */
  private async endedByOther(): Promise<void> {
    if (this.state.call?.direct) await this.closeDirectCall();
    else this.actions.toLobby();
  }

  private async closeDirectCall(): Promise<void> {
    ParleyRinging.clearActiveCall();
    await ParleyCalls.endSession().catch(() => undefined);
    this.actions.toLobby();
  }

  private async copyInviteLink(): Promise<void> {
    await navigator.clipboard?.writeText(location.href).catch(() => undefined);
    this.elements.copyLink.textContent = 'Link copied';
    setTimeout(() => {
      this.elements.copyLink.textContent = 'Copy invite link';
    }, COPIED_MS);
  }
}
