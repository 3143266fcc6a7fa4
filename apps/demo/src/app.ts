/**
 * The demo app: which view shows (login, lobby, call) and the moves between
 * them. It owns the one DemoState and the views, and is what they call back.
 */
import { type CallType, ParleyRinging } from '@parley/sdk';
import { CallView } from './call-view.ts';
import { invitationIn } from './invite-link.ts';
import { Lobby } from './lobby.ts';
import { logIn } from './login.ts';
import { clearError, isShown, type PageElements, showError, showView } from './page.ts';
import { startRinging } from './ringing.ts';
import type { DemoState } from './state.ts';

export class DemoApp {
  private readonly lobby: Lobby;
  private readonly callView: CallView;

  constructor(
    private readonly page: PageElements,
    private readonly state: DemoState,
  ) {
    this.lobby = new Lobby(page, state, this);
    this.callView = new CallView(page.call, state, this);
    page.login.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.logInAs(page.login.name.value.trim());
    });
  }

  /** Where a page load lands: the login form, the call of an invite link, or the lobby. */
  async route(): Promise<void> {
    if (!this.state.user) {
      const name = this.state.knownName;
      if (name) await logIn(this.state, name).catch(() => undefined);
      if (!this.state.user) {
        showView(this.page, 'login');
        return;
      }
    }
    await startRinging(this.state, this).catch((error: unknown) => console.warn('ringing unavailable', error));
    const invitation = invitationIn(location);
    // `?quality=<sessionId>`: the lobby with that call's quality plots (a link to a past call's charts).
    const quality = new URLSearchParams(location.search).get('quality');
    if (invitation) await this.enterCall(invitation.sessionId, invitation.audioOnly);
    else this.toLobby();
    if (!invitation && quality && this.state.user) this.lobby.showQuality(quality);
  }

  toLobby(): void {
    history.replaceState(null, '', location.pathname);
    this.state.leftCall();
    // The server refused the auth token (see CallView): logging in again is the way back.
    if (!this.state.user) {
      showView(this.page, 'login');
      return;
    }
    this.lobby.open();
    showView(this.page, 'lobby');
  }

  enterCall(sessionId: string, audioOnly: boolean): Promise<void> {
    return this.enter(sessionId, audioOnly, false);
  }

  enterDirectCall(sessionId: string, audioOnly: boolean): Promise<void> {
    return this.enter(sessionId, audioOnly, true);
  }

  /** Rings `receiverUid`; the SDK's outgoing screen shows the rest. */
  async dial(receiverUid: string, type: CallType): Promise<void> {
    clearError(this.page);
    try {
      await ParleyRinging.initiateCall({ receiverUid, type });
    } catch (error) {
      this.fail(error);
    }
  }

  refreshLobby(): void {
    if (isShown(this.page, 'lobby')) void this.lobby.refresh();
  }

  logOut(): void {
    this.state.forgetUser();
    location.reload();
  }

  fail(error: unknown): void {
    showError(this.page, error);
  }

  private async enter(sessionId: string, audioOnly: boolean, direct: boolean): Promise<void> {
    clearError(this.page);
    this.lobby.close();
    showView(this.page, 'call');
    await this.callView.enter(sessionId, audioOnly, direct);
  }

  private async logInAs(name: string): Promise<void> {
    try {
      await logIn(this.state, name);
      await this.route();
    } catch (error) {
      this.fail(error);
    }
  }
}
