/**
 * One participant's tile: the <video> (which also plays their audio), the
 * avatar shown when video is off, and the name label with mute and camera-off
 * indicators. State is mirrored in data-* attributes for CSS and tests.
 */
import type { AvatarMode } from '../../api/call-settings.ts';
import type { RTCUser } from '../../api/events.ts';
import { h, icon } from './dom.ts';
import { SignalBars } from './signal-bars.ts';

/** Up to two initials from a display name ("Ada Lovelace" → "AL"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0] ?? '?'];
  return letters
    .map((w) => [...(w ?? '')][0] ?? '')
    .join('')
    .toUpperCase();
}

/** A stable, readable background colour for a uid. */
export function colourFor(uid: string): string {
  let hash = 0;
  for (const ch of uid) hash = (hash * 31 + ch.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 45% 38%)`;
}

export class Tile {
  readonly el: HTMLDivElement;
  readonly video: HTMLVideoElement;
  readonly #avatar: HTMLDivElement;
  readonly #name: HTMLSpanElement;
  readonly #bars = new SignalBars();
  #stream: MediaStream | null = null;
  #user: RTCUser;
  /** Whether the session is audio only now (it can switch to video). */
  readonly #audioOnly: () => boolean;
  #onTracks = (): void => this.refresh();

  constructor(user: RTCUser, avatarMode: AvatarMode, audioOnly: () => boolean) {
    this.#audioOnly = audioOnly;
    this.#user = user;
    const local = user.isLocalUser;
    this.video = h('video', { autoplay: true, playsinline: true, part: 'video' });
    this.video.playsInline = true;
    this.video.muted = local; // never play our own microphone back
    // Until the first frame is decoded the avatar stands in (no black tile).
    for (const event of ['loadeddata', 'resize', 'emptied']) this.video.addEventListener(event, this.#onTracks);
    this.#avatar = h('div', { class: 'avatar', part: 'avatar', 'data-avatar-mode': avatarMode, 'aria-hidden': 'true' });
    this.#name = h('span', { class: 'label' });
    const ind = h('span', { class: 'ind' });
    ind.innerHTML = `<i class="i-mic" title="Microphone off">${icon('mic', true)}</i><i class="i-cam" title="Camera off">${icon('cam', true)}</i>`;
    this.el = h(
      'div',
      { class: 'tile', part: 'tile', 'data-tile': '', 'data-uid': user.uid, 'data-local': local ? 'true' : 'false' },
      this.video,
      this.#avatar,
      h('div', { class: 'name', part: 'name' }, this.#name, ind, this.#bars.el),
      h('div', { class: 'paused', part: 'video-paused', role: 'status' }, 'Video paused: poor connection'),
    );
    this.update(user);
  }

  get uid(): string {
    return this.#user.uid;
  }

  get user(): RTCUser {
    return this.#user;
  }

  get stream(): MediaStream | null {
    return this.#stream;
  }

  /** Takes the participant's latest state (name, avatar, mute flags). */
  update(user: RTCUser): void {
    const prev = this.#user;
    this.#user = user;
    const label = user.isLocalUser ? `${user.name} (you)` : user.name;
    this.#name.textContent = label;
    if (prev.avatar !== user.avatar || prev.name !== user.name || !this.#avatar.firstChild) this.#renderAvatar();
    this.refresh();
  }

  /** Shows a stream (null: none). Re-assigning picks up tracks added to the same stream. */
  setStream(stream: MediaStream | null): void {
    if (this.#stream !== stream) {
      this.#stream?.removeEventListener('addtrack', this.#onTracks);
      this.#stream?.removeEventListener('removetrack', this.#onTracks);
      stream?.addEventListener('addtrack', this.#onTracks);
      stream?.addEventListener('removetrack', this.#onTracks);
      this.#stream = stream;
    }
    this.video.srcObject = stream;
    this.play();
    this.refresh();
  }

  /** Starts playback if the element is paused (after a move, or autoplay rules). */
  play(): void {
    if (this.#stream && this.video.paused) this.video.play().catch(() => undefined);
  }

  get videoOff(): boolean {
    const live = this.#stream?.getVideoTracks().some((t) => t.readyState === 'live') ?? false;
    return this.#audioOnly() || this.#user.isAudioOnly || this.#user.isVideoMuted || !live || this.video.videoWidth === 0;
  }

  /** Re-derives the data-* state from the participant and the stream. */
  refresh(): void {
    const d = this.el.dataset;
    d.audioMuted = String(this.#user.isAudioMuted);
    d.videoOff = String(this.videoOff);
    const states = [this.#user.isAudioMuted && 'microphone off', this.videoOff && 'camera off'].filter(Boolean).join(', ');
    this.el.setAttribute('aria-label', states ? `${this.#name.textContent}, ${states}` : (this.#name.textContent ?? ''));
  }

  /** Our link cannot carry the others' video (onRemoteVideoPaused): the tile says so until it comes back. */
  setVideoPaused(paused: boolean): void {
    this.el.dataset.videoPaused = String(paused);
  }

  setSpeaking(on: boolean): void {
    this.el.dataset.speaking = String(on);
  }

  /** Their network quality as signal bars (onNetworkQualityChanged); undefined: not known yet. */
  setNetworkQuality(quality: number | undefined): void {
    this.#bars.set(quality);
  }

  /** Makes the tile a keyboard-operable control that calls `onActivate`. */
  setClickable(onActivate: ((uid: string) => void) | null): void {
    if (!onActivate) {
      this.el.removeAttribute('role');
      this.el.removeAttribute('tabindex');
      this.el.onclick = null;
      this.el.onkeydown = null;
      return;
    }
    this.el.setAttribute('role', 'button');
    this.el.tabIndex = 0;
    this.el.title = `Show ${this.#user.name} in the spotlight`;
    this.el.onclick = () => onActivate(this.uid);
    this.el.onkeydown = (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onActivate(this.uid);
      }
    };
  }

  destroy(): void {
    this.setStream(null);
    this.el.remove();
  }

  #renderAvatar(): void {
    const { uid, name, avatar } = this.#user;
    this.#avatar.style.setProperty('--c', colourFor(uid));
    const text = h('span', {}, initials(name));
    this.#avatar.replaceChildren(text);
    if (avatar) {
      const img = h('img', { src: avatar, alt: '', part: 'avatar-image', referrerpolicy: 'no-referrer' });
      img.onerror = () => img.remove();
      this.#avatar.append(img);
    }
  }
}
