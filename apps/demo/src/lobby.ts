/**
 * The lobby: start, join or dial a call, the user's recent calls, and the
 * recordings of one of them (the call the user was last in, else the latest).
 */
import type { CallType } from '@parley/sdk';
import { newSessionId, sessionIdFrom } from './invite-link.ts';
import type { PageElements } from './page.ts';
import { QualityPanel } from './quality-panel.ts';
import { RecentCalls } from './recent-calls.ts';
import { RecordingsPanel } from './recordings-panel.ts';
import type { DemoState } from './state.ts';

export interface LobbyActions {
  enterCall(sessionId: string, audioOnly: boolean): Promise<void>;
  dial(receiverUid: string, type: CallType): Promise<void>;
  logOut(): void;
}

export class Lobby {
  private readonly recent: RecentCalls;
  private readonly recordings: RecordingsPanel;
  private readonly quality: QualityPanel;

  constructor(
    private readonly page: PageElements,
    private readonly state: DemoState,
    actions: LobbyActions,
  ) {
    this.recent = new RecentCalls(page.recent, {
      showRecordings: (sessionId) => this.showRecordings(sessionId),
      showQuality: (sessionId) => this.showQuality(sessionId),
      dial: (uid, type) => void actions.dial(uid, type),
      joinAgain: (sessionId, audioOnly) => void actions.enterCall(sessionId, audioOnly),
    });
    this.recordings = new RecordingsPanel(page.recordings);
    this.quality = new QualityPanel(page.quality);
    const { startVideo, startAudio, joinForm, joinId, dialForm, dialUid, logout } = page.lobby;
    startVideo.addEventListener('click', () => void actions.enterCall(newSessionId(), false));
    startAudio.addEventListener('click', () => void actions.enterCall(newSessionId(), true));
    joinForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const sessionId = sessionIdFrom(joinId.value);
      if (sessionId) void actions.enterCall(sessionId, false);
    });
    dialForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const uid = dialUid.value.trim();
      if (uid) void actions.dial(uid, event.submitter?.dataset.type === 'audio' ? 'audio' : 'video');
    });
    logout.addEventListener('click', () => actions.logOut());
  }

  /** Fills the lobby for the logged-in user (the caller shows the view). */
  open(): void {
    const { name, uid } = this.state.requireUser();
    this.page.who.textContent = name;
    this.page.who.hidden = false;
    this.page.lobby.myUid.textContent = uid;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const calls = await this.recent.refresh(this.state.requireUser());
    const selected = this.recordings.sessionId ?? this.state.lastSessionId ?? calls[0]?.sessionId;
    if (selected) this.showRecordings(selected);
  }

  /** Leaving the lobby: its recordings stop refreshing, and the next visit picks the call again. */
  close(): void {
    this.recordings.close();
    this.quality.close();
  }

  /** Plots a past call's quality, a chart per participant. */
  showQuality(sessionId: string): void {
    this.recent.select(sessionId);
    void this.quality.show(sessionId, this.state.requireUser().authToken);
  }

  private showRecordings(sessionId: string): void {
    this.recent.select(sessionId);
    void this.recordings.show(sessionId, this.state.requireUser().authToken);
  }
}
