/**
 * The default call UI: tiles in a grid, spotlight or single layout, the
 * control bar, the idle warning and picture-in-picture, rendered into the host
 * element's shadow root. It reads and drives the session only through its
 * public API (methods and events), so an app can replace it with its own.
 */
import type { DisplayMode } from '../../api/call-settings.ts';
import type { CallSessionState, RTCMutedUser, RTCRecordingInfo, RTCUser, RemoteStreamInfo } from '../../api/events.ts';
import type { SessionView } from '../../session/session-view.ts';
import { Controls } from './controls.ts';
import { h, icon, pipSupported } from './dom.ts';
import type { IdleDialog } from './idle-dialog.ts';
import { OnDemand } from './on-demand.ts';
import type { SwitchDialog } from './switch-dialog.ts';
import { clampInside, draggable } from './float-drag.ts';
import { gridShape, MODES, place, placeBesideShare } from './layout.ts';
import type { PictureInPicture } from './pip.ts';
import type { UIEvents, UISession } from './session-api.ts';
import { CSS } from './styles.ts';
import type { ScreenStage } from './screen-stage.ts';
import { Tile } from './tile.ts';
import { TileVisibility } from './tile-visibility.ts';

const TOAST_MS = 4_000; // ms an error message stays

type Subscription = [keyof UIEvents, (...args: never[]) => void];

export class DefaultCallUI implements SessionView {
  readonly shadow: ShadowRoot;
  readonly #session: UISession;
  readonly #root: HTMLDivElement;
  /** Shown where the call was once it is gone, when the session ended for a reason the user must hear. */
  #endedBecause: string | undefined;
  readonly #style: HTMLStyleElement;
  readonly #main: HTMLDivElement;
  readonly #stage: HTMLDivElement;
  readonly #strip: HTMLDivElement;
  readonly #float: HTMLDivElement;
  readonly #park: HTMLDivElement;
  readonly #next: HTMLButtonElement;
  readonly #toast: HTMLDivElement;
  readonly #controls: Controls;
  /** The dialogs: a chunk loaded the first time one shows (on-demand.ts). */
  readonly #idle: OnDemand<IdleDialog>;
  readonly #switch: OnDemand<SwitchDialog>;
  /** Picture-in-picture (pip.ts, loaded when first asked for). */
  readonly #pip: OnDemand<PictureInPicture>;
  /** A screen share on the stage (screen-stage.ts, loaded with the first share). */
  readonly #screen: OnDemand<ScreenStage>;
  /** Whose screen share holds the stage, while there is one. */
  #sharer: string | undefined;
  readonly #tiles = new Map<string, Tile>();
  /** Each remote tile's size on screen, told to the session (the server sends the video layer that fits, or none). */
  readonly #visibility = new TileVisibility((uid, size) => this.#session.setRemoteVideoView?.(uid, size));
  /** The others' video is paused for our poor connection (onRemoteVideoPaused). */
  #videoPaused = false;
  readonly #subs: Subscription[] = [];
  readonly #resize: ResizeObserver | undefined;
  #undrag: (() => void) | undefined;
  #mode: DisplayMode;
  #pinned: string | undefined;
  /** Who speaks now, as the session says (onActiveSpeakerChanged): highlighted, and in the spotlight unless someone is pinned. */
  #speaker: string | undefined;
  /** Everyone's latest network quality (onNetworkQualityChanged), for their tile's signal bars, also when it is made later. */
  readonly #networkQuality = new Map<string, number>();
  #audioOnly: boolean;
  #recording: boolean;
  #toastTimer: ReturnType<typeof setTimeout> | undefined;
  #destroyed = false;

  constructor(host: HTMLElement, session: UISession) {
    this.#session = session;
    const s = session.settings;
    this.#mode = s.isSingleMode ? 'single' : s.mode;
    this.#audioOnly = s.isAudioOnly;
    this.#recording = session.isRecording;

    this.shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
    this.#style = h('style', {}, CSS);
    this.#stage = h('div', { class: 'stage', part: 'stage', 'data-stage': '' });
    this.#strip = h('div', { class: 'strip', part: 'strip', 'data-strip': '', role: 'list', 'aria-label': 'Other participants' });
    this.#float = h('div', { class: 'float', part: 'float', 'data-float': '' });
    this.#park = h('div', { class: 'park', 'aria-hidden': 'true' });
    this.#next = h('button', { type: 'button', class: 'btn next', 'data-control': 'next-participant', 'aria-label': 'Show the next participant', title: 'Next participant', hidden: true });
    this.#next.innerHTML = icon('next');
    this.#next.onclick = () => this.#showNext();
    this.#toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
    this.#main = h('div', { class: 'main' }, this.#stage, this.#strip, this.#float, this.#next, this.#park);
    this.#controls = new Controls(
      s,
      {
        endCall: () => session.pressEndCallButton(),
        toggleAudio: () => this.#run(() => session.audioMuted(!this.#self()?.isAudioMuted)),
        toggleVideo: () => this.#run(() => session.videoPaused(!this.#self()?.isVideoMuted)),
        switchCamera: () => this.#run(() => session.switchCamera()),
        pickAudioMode: (mode) => this.#run(() => session.setAudioMode(mode)).then(() => this.#renderControls()),
        pickAudioOutput: () => void this.#run(() => session.pickAudioOutput?.()),
        audioOutputs: () => session.getAudioOutputs(),
        toggleRecording: () => this.#toggleRecording(),
        switchToVideo: () => this.#run(() => session.switchToVideoCall?.()),
        toggleScreenShare: () => this.#run(() => (session.isSharingScreen ? session.stopScreenShare?.() : session.startScreenShare?.())),
        togglePip: () => this.#run(() => (this.#pip.part?.active ? this.exitPIPMode() : this.enterPIPMode())),
        cycleMode: () => this.setMode(MODES[(MODES.indexOf(this.#mode) + 1) % MODES.length]!),
      },
      pipSupported(),
      !!session.canShareScreen,
    );
    this.#idle = new OnDemand(async () => {
      const { IdleDialog } = await import('./dialogs.ts');
      return this.#mount(
        new IdleDialog(
          () => void this.#run(() => session.stayInSession?.()),
          () => void this.#run(() => session.endSession()),
        ),
      );
    }, 'idle warning');
    this.#switch = new OnDemand(async () => {
      const { SwitchDialog } = await import('./dialogs.ts');
      return this.#mount(
        new SwitchDialog(
          () => void this.#run(() => session.acceptVideoSwitch?.()),
          () => void this.#run(() => session.declineVideoSwitch?.()),
        ),
      );
    }, 'switch to video request');
    this.#root = h(
      'div',
      { class: 'pl', part: 'root', 'data-parley': 'default', role: 'region', 'aria-label': 'Call' },
      this.#main,
      this.#controls.el,
      this.#toast,
    );
    this.shadow.replaceChildren(this.#style, this.#root);
    this.#pip = new OnDemand(async () => {
      const { PictureInPicture } = await import('./pip.ts');
      return new PictureInPicture(
        this.#root,
        this.#style,
        this.shadow,
        () => this.#stage.querySelector('video') ?? undefined,
        () => this.#renderControls(),
      );
    }, 'picture-in-picture');
    this.#screen = new OnDemand(async () => {
      const { ScreenStage } = await import('./screen-stage.ts');
      const stage = new ScreenStage(() => void this.#run(() => session.stopScreenShare?.()));
      session.attachOutputElement(stage.video);
      return stage;
    }, 'screen share');
    if (session.screenSharer) this.#showShare(session.screenSharer);
    this.#speaker = session.activeSpeaker?.uid;
    if (typeof ResizeObserver !== 'undefined') {
      this.#resize = new ResizeObserver(() => this.#layout());
      this.#resize.observe(this.#main);
    }

    this.#listen();
    this.#sync();
  }

  /** The current layout. */
  get mode(): DisplayMode {
    return this.#mode;
  }

  setMode(mode: DisplayMode): void {
    if (!MODES.includes(mode)) throw new TypeError(`unknown mode ${String(mode)}`);
    this.#mode = mode;
    this.#layout();
    this.#renderControls();
  }

  /** Shows the idle warning with a countdown (also driven by the session's onIdleWarning). */
  showIdleWarning(secondsLeft: number): void {
    this.#idle.show((dialog) => dialog.show(secondsLeft));
  }

  async enterPIPMode(): Promise<void> {
    const pip = await this.#pip.load();
    if (!pip) throw new Error('Picture-in-picture could not be loaded');
    return pip.enter();
  }

  async exitPIPMode(): Promise<void> {
    await this.#pip.part?.exit();
  }

  /** Removes everything it rendered and every listener; idempotent. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.exitPIPMode().catch(() => undefined);
    for (const [event, fn] of this.#subs) this.#session.off(event, fn);
    this.#resize?.disconnect();
    this.#visibility.disconnect();
    this.#undrag?.();
    this.#idle.hide();
    this.#switch.hide();
    clearTimeout(this.#toastTimer);
    for (const tile of this.#tiles.values()) {
      this.#session.detachOutputElement(tile.video);
      tile.destroy();
    }
    const screen = this.#screen.part;
    if (screen) this.#session.detachOutputElement(screen.video);
    this.#screen.hide();
    this.#tiles.clear();
    this.#root.remove();
    this.#style.remove();
    // The call is gone, but why must stay in view: the server could not be reached.
    if (this.#endedBecause) {
      this.shadow.append(h('p', { role: 'status', class: 'parley-ended' }, this.#endedBecause));
    }
  }

  // ——— session → UI ———

  #listen(): void {
    const on = <E extends keyof UIEvents>(event: E, fn: UIEvents[E]): void => {
      this.#session.on(event, fn as (...args: never[]) => void);
      this.#subs.push([event, fn as (...args: never[]) => void]);
    };
    on('stateChanged', (state: CallSessionState) => {
      this.#root.dataset.state = state;
      if (state === 'joined') this.#sync();
    });
    on('onUserJoined', (user: RTCUser) => {
      this.#upsert(user);
      this.#idle.hide();
      this.#layout();
    });
    on('onUserLeft', (user: RTCUser) => {
      this.#removeTile(user.uid);
      this.#layout();
    });
    on('onUserListChanged', () => this.#sync());
    on('onUserMuted', (info: RTCMutedUser) => {
      this.#upsert(info.muted);
      if (info.muted.isLocalUser) this.#renderControls();
    });
    on('remoteStreamChanged', (uid: string, stream: MediaStream | null) => {
      const tile = this.#tiles.get(uid) ?? this.#upsertFromSession(uid);
      tile?.setStream(stream);
    });
    on('localStreamChanged', (stream: MediaStream | null) => {
      const self = this.#self();
      const tile = self && this.#tiles.get(self.uid);
      tile?.setStream(stream);
    });
    on('onScreenShareStarted', (user: RTCUser) => this.#showShare(user));
    on('onScreenShareStopped', (user: RTCUser) => {
      if (this.#sharer !== user.uid) return;
      this.#sharer = undefined;
      this.#screen.hide();
      this.#layout();
      this.#renderControls();
    });
    on('onRemoteStream', (info: RemoteStreamInfo) => {
      if (info.source === 'screen' && info.uid === this.#sharer) this.#screen.part?.setStream(info.stream);
    });
    on('onRemoteStreamRemoved', (info: { uid: string; source: string }) => {
      if (info.source === 'screen' && info.uid === this.#sharer) this.#screen.part?.setStream(null);
    });
    on('onActiveSpeakerChanged', (user: RTCUser | null) => this.#onSpeaker(user?.uid));
    on('onNetworkQualityChanged', ({ uid, quality }: { uid: string; quality: number }) => {
      this.#networkQuality.set(uid, quality);
      this.#tiles.get(uid)?.setNetworkQuality(quality);
    });
    on('onRemoteVideoPaused', (info: { paused: boolean }) => {
      this.#videoPaused = info.paused;
      for (const tile of this.#tiles.values()) if (!tile.user.isLocalUser) tile.setVideoPaused(info.paused);
    });
    on('onRecordingToggled', (info: RTCRecordingInfo) => {
      this.#recording = info.recording;
      this.#renderControls();
    });
    on('onCallSwitchToVideoRequested', (request: { initiator: string }) => {
      const asker = this.#session.getParticipants().find((u) => u.uid === request.initiator);
      this.#switch.show((dialog) => dialog.show(request.initiator, asker?.name ?? request.initiator));
    });
    on('onCallSwitchToVideoDeclined', (info: { initiator: string; responder: string }) => {
      this.#switch.hide();
      const responder = this.#session.getParticipants().find((u) => u.uid === info.responder);
      if (info.initiator === this.#self()?.uid) this.#say(`${responder?.name ?? info.responder} declined the switch to video`);
    });
    on('onCallSwitchToVideoWithdrawn', (info: { initiator: string; reason: 'timeout' | 'left' }) => {
      this.#switch.hide();
      if (info.reason === 'timeout' && info.initiator === this.#self()?.uid) this.#say('Nobody answered the switch to video');
    });
    on('onCallSwitchedToVideo', () => {
      this.#switch.hide();
      this.#audioOnly = false;
      for (const tile of this.#tiles.values()) tile.refresh();
      this.#renderControls();
    });
    on('onIdleWarning', (info: { secondsLeft: number }) => this.showIdleWarning(info.secondsLeft));
    on('onReconnecting', () => this.#say('Reconnecting…'));
    on('onReconnected', () => this.#say('Reconnected'));
    // Our own media path (publisher or subscriber) is being restarted after a network change; we stay in the call.
    on('onMediaReconnecting', () => this.#say('Reconnecting…'));
    on('onMediaReconnected', () => this.#say('Reconnected'));
    on('onError', (error: { message: string }) => this.#say(error.message));
    on('onCallEnded', (info?: { reason: string }) => {
      if (info?.reason === 'server-unavailable') this.#endedBecause = 'The call ended: the server could not be reached';
    });
  }

  /** Makes the tiles match the session's participant list and streams. */
  #sync(): void {
    const users = this.#session.getParticipants();
    const present = new Set(users.map((u) => u.uid));
    for (const uid of [...this.#tiles.keys()]) if (!present.has(uid)) this.#removeTile(uid);
    for (const user of users) {
      const tile = this.#upsert(user);
      const stream = (user.isLocalUser ? this.#session.getLocalStream() : this.#session.getRemoteStream(user.uid)) ?? null;
      if (stream !== tile.stream) tile.setStream(stream);
    }
    this.#root.dataset.state = this.#session.state;
    this.#layout();
    this.#renderControls();
  }

  #upsert(user: RTCUser): Tile {
    let tile = this.#tiles.get(user.uid);
    if (tile) {
      tile.update(user);
      return tile;
    }
    tile = new Tile(user, this.#session.settings.avatarMode, () => this.#audioOnly);
    tile.setSpeaking(user.uid === this.#speaker);
    tile.setNetworkQuality(this.#networkQuality.get(user.uid));
    this.#tiles.set(user.uid, tile);
    this.#park.append(tile.el);
    if (!user.isLocalUser) {
      this.#session.attachOutputElement(tile.video);
      this.#visibility.observe(user.uid, tile.video);
      tile.setVideoPaused(this.#videoPaused);
    }
    return tile;
  }

  #upsertFromSession(uid: string): Tile | undefined {
    const user = this.#session.getParticipants().find((u) => u.uid === uid);
    return user ? this.#upsert(user) : undefined;
  }

  #removeTile(uid: string): void {
    const tile = this.#tiles.get(uid);
    if (!tile) return;
    this.#tiles.delete(uid);
    this.#session.detachOutputElement(tile.video);
    this.#visibility.unobserve(tile.video);
    tile.destroy();
    if (this.#pinned === uid) this.#pinned = undefined;
  }

  /** `user`'s share takes the stage: their screen, or our notice when it is ours (once its chunk is there). */
  #showShare(user: RTCUser): void {
    this.#sharer = user.uid;
    this.#screen.show((stage) => {
      stage.show(user.uid, user.name, user.isLocalUser);
      stage.setStream(user.isLocalUser ? null : (this.#session.getRemotePublicationStream?.(user.uid, 'screen') ?? null));
      this.#layout();
    });
    this.#layout();
    this.#renderControls();
  }

  /** A dialog loaded on demand goes into the UI's root, above everything else. */
  #mount<T extends { el: HTMLElement }>(dialog: T): T {
    this.#root.append(dialog.el);
    return dialog;
  }

  #self(): RTCUser | undefined {
    return this.#session.getParticipants().find((u) => u.isLocalUser);
  }

  // ——— layout ———

  /** Local first, then everyone else in the order they joined. */
  #ordered(): Tile[] {
    return [...this.#tiles.values()].sort((a, b) => Number(b.user.isLocalUser) - Number(a.user.isLocalUser) || a.user.joinedAt - b.user.joinedAt);
  }

  #layout(): void {
    if (this.#destroyed) return;
    const tiles = this.#ordered();
    const uids = tiles.map((t) => t.uid);
    const local = tiles.find((t) => t.user.isLocalUser)?.uid;
    const speaker = this.#speaker !== local ? this.#speaker : undefined;
    // A share takes the stage once its code is there (the layout stays as it was meanwhile).
    const screen = this.#sharer === undefined ? undefined : this.#screen.part?.el;
    const sharing = screen !== undefined;
    const p = sharing ? placeBesideShare(uids) : place(this.#mode, uids, local, this.#pinned ?? speaker);
    const el = (uid: string) => this.#tiles.get(uid)!.el;
    fill(this.#stage, screen ? [screen] : p.stage.map(el));
    fill(this.#strip, p.strip.map(el));
    fill(this.#float, p.float ? [el(p.float)] : []);
    const placed = new Set([...p.stage, ...p.strip, ...(p.float ? [p.float] : [])]);
    fill(this.#park, uids.filter((u) => !placed.has(u)).map(el));

    const box = this.#stage.getBoundingClientRect();
    const { cols, rows } = this.#mode === 'default' ? gridShape(p.stage.length, box.width, box.height) : { cols: 1, rows: 1 };
    this.#stage.style.setProperty('--cols', String(cols));
    this.#stage.style.setProperty('--rows', String(rows));
    const d = this.#root.dataset;
    d.mode = this.#mode;
    d.screenShare = String(sharing);
    d.count = String(uids.length);
    // The floating tile rises above a filled strip (an attribute, not :has(), which Firefox ESR 115 lacks).
    d.strip = String(p.strip.length > 0);
    d.audioOnly = String(this.#audioOnly);
    this.#next.hidden = this.#mode !== 'single' || uids.length < 2;

    const clickable = this.#session.settings.enableVideoTileClick;
    for (const tile of tiles) {
      const inStage = this.#mode !== 'default' && p.stage.includes(tile.uid);
      tile.setClickable(clickable && !inStage && tile.uid !== p.float ? (uid) => this.#spotlight(uid) : null);
      tile.play();
    }
    this.#setDraggable(p.float !== undefined && this.#session.settings.enableDraggableVideoTile);
    clampInside(this.#float, this.#main);
  }

  #setDraggable(on: boolean): void {
    if (on && !this.#undrag) {
      this.#undrag = draggable(this.#float, () => this.#main);
      this.#float.tabIndex = 0;
      this.#float.setAttribute('aria-label', 'Your video: drag, or use the arrow keys, to move it');
    } else if (!on && this.#undrag) {
      this.#undrag();
      this.#undrag = undefined;
      this.#float.removeAttribute('tabindex');
      this.#float.removeAttribute('aria-label');
    }
    if (!on) this.#float.dataset.draggable = 'false';
  }

  /** Clicking a tile: it goes to the spotlight (switching there from the grid). */
  #spotlight(uid: string): void {
    this.#pinned = uid;
    if (this.#mode === 'default') this.#mode = 'spotlight';
    this.#layout();
    this.#renderControls();
  }

  #showNext(): void {
    const uids = this.#ordered().map((t) => t.uid);
    const current = this.#stage.querySelector<HTMLElement>('[data-tile]')?.dataset.uid;
    this.#pinned = uids[(uids.indexOf(current ?? '') + 1) % uids.length];
    this.#layout();
  }

  #onSpeaker(uid: string | undefined): void {
    this.#speaker = uid;
    for (const tile of this.#tiles.values()) tile.setSpeaking(tile.uid === uid);
    this.#root.dataset.activeSpeaker = uid ?? '';
    // The spotlight follows the speaker unless someone was pinned.
    if (this.#mode !== 'default' && !this.#pinned && uid && !this.#tiles.get(uid)?.user.isLocalUser) this.#layout();
  }

  // ——— controls ———

  #renderControls(): void {
    const self = this.#self();
    this.#controls.render({
      audioMuted: self?.isAudioMuted ?? this.#session.settings.startAudioMuted,
      videoPaused: self?.isVideoMuted ?? this.#session.settings.startVideoMuted,
      audioOnly: this.#audioOnly,
      recording: this.#recording,
      pip: this.#pip.part?.active ?? false,
      screenSharing: this.#session.isSharingScreen ?? false,
      mode: this.#mode,
      audioMode: this.#session.audioMode ?? this.#session.settings.defaultAudioMode ?? 'SPEAKER',
      audioOutput: this.#session.audioOutputChoice ?? 'menu',
    });
  }

  async #toggleRecording(): Promise<void> {
    const next = !this.#recording;
    const s = this.#session;
    const method = next ? s.startRecording : s.stopRecording;
    if (method) await this.#run(() => method.call(s));
    else {
      // Until the session can record, the button only shows the state it would have.
      this.#recording = next;
      this.#renderControls();
    }
  }

  /** Runs a session action; a failure becomes a short message in the UI. */
  async #run(action: () => unknown): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.#say(error instanceof Error ? error.message : String(error));
    } finally {
      this.#renderControls();
    }
  }

  #say(message: string): void {
    if (this.#destroyed) return;
    this.#toast.textContent = message;
    clearTimeout(this.#toastTimer);
    this.#toastTimer = setTimeout(() => {
      this.#toast.textContent = '';
    }, TOAST_MS);
  }
}

/** Puts exactly `els` into `parent`, in order, moving only what must move. */
function fill(parent: HTMLElement, els: HTMLElement[]): void {
  const kids = parent.children;
  if (kids.length === els.length && els.every((e, i) => kids[i] === e)) return;
  parent.replaceChildren(...els);
}
