/**
 * What the ringing screen draws (ringing-screen.ts loads this chunk when one is
 * made): in its own shadow root inside the screen's host element, the incoming
 * call (Decline / Accept) and the outgoing "Calling …" (Cancel). It listens
 * through the public call-listener API and acts through the public methods, so
 * an app can replace it with its own.
 */
import type { Call } from '@parley/protocol';
import { h, icon } from './dom.ts';
import type { RingingScreenApi, RingingScreenOptions } from './ringing-screen.ts';

const OUTCOME: Record<string, string> = {
  rejected: 'Call declined',
  busy: 'Busy',
  unanswered: 'No answer',
  cancelled: 'Call cancelled',
  ongoing: 'Answered on another device',
};

const CSS = /* css */ `
:host{all:initial}
[hidden]{display:none!important}
.scrim{position:fixed;inset:0;z-index:2147483000;display:grid;place-items:center;background:rgb(0 0 0/55%);
 font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#f3f4f6}
.card{width:min(340px,calc(100vw - 32px));padding:28px 24px 22px;border-radius:18px;background:#1b1f29;box-shadow:0 14px 48px rgb(0 0 0/60%);
 display:flex;flex-direction:column;align-items:center;gap:10px;text-align:center}
.avatar{width:88px;height:88px;border-radius:50%;display:grid;place-items:center;background:#475569;font-size:36px;font-weight:600;overflow:hidden}
.avatar img{width:100%;height:100%;object-fit:cover}
.card[data-state=ringing] .avatar{animation:pulse 1.4s ease-out infinite}
@keyframes pulse{0%{box-shadow:0 0 0 0 rgb(74 222 128/55%)}100%{box-shadow:0 0 0 22px rgb(74 222 128/0%)}}
h2{all:initial;font:600 19px/1.3 inherit;font-family:inherit;color:inherit}
p{all:initial;font:inherit;color:#cbd5e1}
.actions{display:flex;gap:28px;margin-top:12px}
button{all:initial;box-sizing:border-box;cursor:pointer;width:60px;height:60px;padding:15px;border-radius:50%;color:#fff;display:grid;place-items:center}
button:focus-visible{outline:3px solid #93c5fd;outline-offset:3px}
button:disabled{opacity:.5;cursor:default}
.accept{background:#16a34a}.accept:hover{background:#15803d}
.decline{background:#dc2626}.decline:hover{background:#b91c1c}
.decline svg{transform:rotate(0deg)}
svg{display:block;width:100%;height:100%}
`;

let screens = 0;

export class RingingCard {
  readonly #api: RingingScreenApi;
  readonly #options: RingingScreenOptions & { outcomeMs: number };
  readonly #id = `parley-ringing-screen-${++screens}`;
  readonly #card: HTMLDivElement;
  readonly #scrim: HTMLDivElement;
  readonly #avatar: HTMLDivElement;
  readonly #title: HTMLHeadingElement;
  readonly #text: HTMLParagraphElement;
  readonly #accept: HTMLButtonElement;
  readonly #decline: HTMLButtonElement;
  readonly #cancel: HTMLButtonElement;
  #call: Call | undefined;
  #mode: 'hidden' | 'incoming' | 'outgoing' | 'outcome' = 'hidden';
  #outcomeTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(host: HTMLElement, api: RingingScreenApi, options: RingingScreenOptions & { outcomeMs: number }) {
    this.#api = api;
    this.#options = options;
    const root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = CSS;
    this.#avatar = h('div', { class: 'avatar', 'aria-hidden': 'true' });
    this.#title = h('h2', { id: 'pl-ring-title' });
    this.#text = h('p', { id: 'pl-ring-text', 'aria-live': 'polite' });
    this.#accept = this.#button('accept', 'Accept call', 'accept');
    this.#decline = this.#button('decline', 'Decline call', 'decline');
    this.#cancel = this.#button('cancel', 'Cancel call', 'decline');
    this.#accept.onclick = () => void this.#act(() => this.#api.acceptCall(this.#requireCall().sessionId));
    this.#decline.onclick = () => void this.#act(() => this.#api.rejectCall(this.#requireCall().sessionId, 'rejected'));
    this.#cancel.onclick = () => void this.#act(() => this.#api.cancelCall(this.#requireCall().sessionId));
    this.#card = h(
      'div',
      { class: 'card', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'pl-ring-title', 'aria-describedby': 'pl-ring-text', part: 'ringing-screen' },
      this.#avatar,
      this.#title,
      this.#text,
      h('div', { class: 'actions' }, this.#decline, this.#cancel, this.#accept),
    );
    this.#scrim = h('div', { class: 'scrim', hidden: true }, this.#card);
    this.#scrim.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') (this.#mode === 'incoming' ? this.#decline : this.#cancel).click();
    });
    root.append(style, this.#scrim);
    this.#api.addCallListener(this.#id, {
      onIncomingCallReceived: (call) => {
        if (this.#mode !== 'outgoing') this.#show('incoming', call);
      },
      onIncomingCallCancelled: (call) => this.#ifShowing(call, () => this.#outcome(call)),
      onOutgoingCallAccepted: (call) => this.#ifShowing(call, () => this.#answered(call)),
      onOutgoingCallRejected: (call) => this.#outcome(call),
      onCallEndedMessageReceived: (call) => this.#ifShowing(call, () => this.#hide()),
      onActiveCallChanged: (call) => {
        if (call?.status === 'initiated' && call.initiator.uid === this.#api.currentUid()) this.#show('outgoing', call);
        else if (call?.status === 'ongoing' && call.receiver.uid === this.#api.currentUid() && this.#call?.sessionId === call.sessionId) this.#answered(call);
      },
    });
    // A call placed or ringing before the screen existed (or while this chunk loaded).
    const active = api.getActiveCall();
    const ringing = api.ringingNow?.();
    if (active?.status === 'initiated' && active.initiator.uid === api.currentUid()) this.#show('outgoing', active);
    else if (ringing) this.#show('incoming', ringing);
  }

  /** What the screen shows: 'hidden', 'incoming', 'outgoing' or 'outcome'. */
  get mode(): string {
    return this.#mode;
  }

  /** Shows an incoming call that rang before the screen was made. */
  showIncoming(call: Call): void {
    this.#show('incoming', call);
  }

  /** Removes the listener and stops the outcome timer; idempotent (the screen removes the host). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#outcomeTimer);
    this.#api.removeCallListener(this.#id);
  }

  #button(control: string, label: string, iconName: 'accept' | 'decline'): HTMLButtonElement {
    const b = h('button', { type: 'button', class: iconName, 'data-control': control, 'aria-label': label, title: label, part: `control control-${control}` });
    b.innerHTML = iconName === 'accept' ? icon('end').replace('<svg', '<svg style="transform:rotate(135deg)"') : icon('end');
    return b;
  }

  #show(mode: 'incoming' | 'outgoing', call: Call): void {
    if (this.#closed) return;
    clearTimeout(this.#outcomeTimer);
    this.#call = call;
    this.#mode = mode;
    this.#describe(call, mode);
    this.#card.dataset.state = 'ringing';
    this.#card.dataset.mode = mode;
    this.#card.dataset.sessionId = call.sessionId;
    this.#accept.hidden = this.#decline.hidden = mode !== 'incoming';
    this.#cancel.hidden = mode !== 'outgoing';
    for (const b of [this.#accept, this.#decline, this.#cancel]) b.disabled = false;
    this.#scrim.hidden = false;
    (mode === 'incoming' ? this.#accept : this.#cancel).focus();
  }

  #describe(call: Call, mode: 'incoming' | 'outgoing'): void {
    const other = mode === 'incoming' ? call.initiator : call.receiver;
    this.#avatar.replaceChildren(other.avatar ? h('img', { src: other.avatar, alt: '' }) : (other.name.trim()[0] ?? '?').toUpperCase());
    this.#title.textContent = mode === 'incoming' ? other.name : `Calling ${other.name}…`;
    this.#text.textContent = mode === 'incoming' ? `Incoming ${call.type} call` : `${call.type === 'audio' ? 'Audio' : 'Video'} call · ringing`;
  }

  #answered(call: Call): void {
    if (this.#call?.sessionId !== call.sessionId) return;
    this.#hide();
    try {
      this.#options.onAccepted?.(call);
    } catch (error) {
      console.error('[parley] ringing screen onAccepted threw', error);
    }
  }

  #outcome(call: Call): void {
    if (this.#closed || (this.#call && this.#call.sessionId !== call.sessionId)) return;
    if (!this.#call) this.#describe(call, call.initiator.uid === this.#api.currentUid() ? 'outgoing' : 'incoming');
    this.#call = call;
    this.#mode = 'outcome';
    this.#card.dataset.state = call.status;
    this.#text.textContent = OUTCOME[call.status] ?? call.status;
    this.#accept.hidden = this.#decline.hidden = this.#cancel.hidden = true;
    this.#scrim.hidden = false;
    clearTimeout(this.#outcomeTimer);
    this.#outcomeTimer = setTimeout(() => this.#hide(), this.#options.outcomeMs);
    try {
      this.#options.onClosed?.(call);
    } catch (error) {
      console.error('[parley] ringing screen onClosed threw', error);
    }
  }

  #hide(): void {
    clearTimeout(this.#outcomeTimer);
    this.#mode = 'hidden';
    this.#call = undefined;
    this.#scrim.hidden = true;
  }

  #ifShowing(call: Call, step: () => void): void {
    if (this.#call?.sessionId === call.sessionId) step();
  }

  #requireCall(): Call {
    if (!this.#call) throw new Error('no call on the screen');
    return this.#call;
  }

  async #act(step: () => Promise<Call>): Promise<void> {
    for (const b of [this.#accept, this.#decline, this.#cancel]) b.disabled = true;
    try {
      const call = await step();
      // An accepted call reaches #answered through onActiveCallChanged.
      if (call.status !== 'ongoing') this.#hide();
    } catch (error) {
      console.warn('[parley] ringing screen action failed', error);
      this.#hide();
    }
  }
}
