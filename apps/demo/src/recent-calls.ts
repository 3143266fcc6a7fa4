/**
 * The user's recent calls, from the call log (ParleyRinging.getCallLogs): the
 * kind of call, who was called and which way, how it ended, how long, when;
 * with buttons for its recordings, and to call back (a one-to-one call) or
 * join again (a group call).
 */
import { type CallLog, type CallStatus, type CallType, ParleyRinging } from '@parley/sdk';
import { duration } from './format.ts';
import type { PageElements } from './page.ts';
import type { User } from './state.ts';

const STATUS_TEXT: Record<CallStatus, string> = {
  initiated: 'ringing',
  ongoing: 'ongoing',
  ended: 'ended',
  rejected: 'declined',
  cancelled: 'cancelled',
  busy: 'busy',
  unanswered: 'no answer',
};

export interface RecentCallActions {
  showRecordings(sessionId: string): void;
  showQuality(sessionId: string): void;
  dial(receiverUid: string, type: CallType): void;
  joinAgain(sessionId: string, audioOnly: boolean): void;
}

export class RecentCalls {
  constructor(
    private readonly elements: PageElements['recent'],
    private readonly actions: RecentCallActions,
  ) {}

  /** Shows the user's latest calls and resolves with them (none when the log is unavailable). */
  async refresh(user: User): Promise<CallLog[]> {
    let calls: CallLog[] = [];
    try {
      calls = (await ParleyRinging.getCallLogs({ authToken: user.authToken, limit: 10 })).items;
    } catch (error) {
      console.warn('call log unavailable', error);
    }
    this.elements.list.replaceChildren(...calls.map((call) => this.item(call, user.uid)));
    this.elements.empty.hidden = calls.length > 0;
    return calls;
  }

  /** Marks the call whose recordings are shown. */
  select(sessionId: string): void {
    for (const li of this.elements.list.children) {
      if (li instanceof HTMLElement) li.classList.toggle('selected', li.dataset.sessionId === sessionId);
    }
  }

  private item(call: CallLog, myUid: string): HTMLLIElement {
    const other = [call.initiator, call.receiver].find((party) => party && party.uid !== myUid);
    const li = document.createElement('li');
    li.dataset.sessionId = call.sessionId;
    li.dataset.status = call.status;
    const label = document.createElement('span');
    const who = other ? `${call.initiator?.uid === myUid ? '→' : '←'} ${other.name}` : call.sessionId;
    const length = call.durationSeconds > 0 ? ` · ${duration(call.durationSeconds)}` : '';
    const when = new Date(call.initiatedAt).toLocaleString();
    label.textContent = `${call.type === 'audio' ? 'Audio' : 'Video'} · ${who} · ${STATUS_TEXT[call.status]}${length} · ${when}`;
    const buttons = document.createElement('span');
    buttons.className = 'row';
    buttons.append(button('Recordings', `Recordings of ${call.sessionId}`, () => this.actions.showRecordings(call.sessionId)));
    if (call.startedAt) buttons.append(button('Quality', `Call quality of ${call.sessionId}`, () => this.actions.showQuality(call.sessionId)));
    if (other) buttons.append(button('Call back', `Call ${other.name} again`, () => this.actions.dial(other.uid, call.type)));
    else if (call.kind === 'group') {
      buttons.append(button('Join again', `Join ${call.sessionId} again`, () => this.actions.joinAgain(call.sessionId, call.type === 'audio')));
    }
    li.append(label, buttons);
    return li;
  }
}

function button(text: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}
