/**
 * The control bar: one <button> per control the settings allow, with the
 * seed's defaults, plus the audio-route menu (audio-menu.ts, loaded when first
 * opened). It only renders state and
 * reports clicks; the UI decides what each click does.
 */
import type { CallSettings, DisplayMode } from '../../api/call-settings.ts';
import type { AudioMode } from '../../api/events.ts';
import type { AudioOutputDevice } from '../../media/devices.ts';
import type { AudioOutputChoice } from '../../session/audio-output.ts';
import type { AudioMenu } from './audio-menu.ts';
import { h, icon, iconButton } from './dom.ts';
import { MODE_LABELS } from './layout.ts';
import { OnDemand } from './on-demand.ts';

export interface ControlActions {
  endCall(): void;
  toggleAudio(): void;
  toggleVideo(): void;
  switchCamera(): void;
  pickAudioMode(mode: AudioMode): void;
  /** The browser's own output picker, instead of our menu (choice `picker`). */
  pickAudioOutput(): void;
  /** The output devices the session lists (its getAudioOutputs). */
  audioOutputs(): Promise<AudioOutputDevice[]>;
  toggleRecording(): void;
  switchToVideo(): void;
  togglePip(): void;
  toggleScreenShare(): void;
  cycleMode(): void;
}

export interface ControlState {
  audioMuted: boolean;
  videoPaused: boolean;
  audioOnly: boolean;
  recording: boolean;
  pip: boolean;
  /** We share our screen now. */
  screenSharing: boolean;
  mode: DisplayMode;
  audioMode: AudioMode | undefined;
  audioOutput: AudioOutputChoice;
}

export class Controls {
  readonly el: HTMLDivElement;
  readonly #b: Partial<Record<string, HTMLButtonElement>> = {};
  readonly #menu: OnDemand<AudioMenu>;
  readonly #act: ControlActions;
  #state: ControlState | undefined;

  constructor(settings: CallSettings, act: ControlActions, pipSupported: boolean, screenShareSupported: boolean) {
    this.#act = act;
    this.el = h('div', { class: 'bar', role: 'toolbar', 'aria-label': 'Call controls', part: 'controls' });
    this.#menu = new OnDemand(async () => {
      const { AudioMenu } = await import('./audio-menu.ts');
      const menu = new AudioMenu(this.#b['audio-mode'], (mode) => act.pickAudioMode(mode));
      this.el.append(menu.el);
      return menu;
    }, 'audio output menu');
    const add = (show: boolean, control: string, label: string, ic: Parameters<typeof iconButton>[2], onClick: () => void, extra = {}) => {
      if (!show) return;
      const b = iconButton(control, label, ic, extra);
      b.onclick = onClick;
      this.#b[control] = b;
      this.el.append(b);
    };
    add(true, 'layout', 'Change layout', 'grid', () => act.cycleMode());
    add(!settings.muteAudioButtonDisable, 'mute-audio', 'Mute microphone', 'mic', () => act.toggleAudio(), { 'aria-pressed': 'false' });
    add(!settings.pauseVideoButtonDisable, 'pause-video', 'Turn camera off', 'cam', () => act.toggleVideo(), { 'aria-pressed': 'false' });
    add(!settings.switchCameraButtonDisable, 'switch-camera', 'Switch camera', 'flip', () => act.switchCamera());
    add(!settings.audioModeButtonDisable, 'audio-mode', 'Audio output', 'speaker', () => this.#chooseAudioOutput(), {
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      'aria-controls': 'pl-audio-menu',
    });
    add(settings.showRecordingButton, 'record', 'Start recording', 'rec', () => act.toggleRecording(), { 'aria-pressed': 'false' });
    add(settings.showSwitchToVideoCall, 'switch-to-video', 'Switch to video call', 'cam', () => act.switchToVideo());
    add(settings.showScreenShareButton && screenShareSupported, 'screen-share', 'Share your screen', 'screen', () => act.toggleScreenShare(), { 'aria-pressed': 'false' });
    add(pipSupported, 'pip', 'Picture in picture', 'pip', () => act.togglePip(), { 'aria-pressed': 'false' });
    add(!settings.endCallButtonDisable, 'end-call', 'End call', 'end', () => act.endCall());
    this.el.addEventListener('focusout', (e) => {
      if (!this.el.contains(e.relatedTarget as Node | null)) this.#menu.hide();
    });
  }

  render(s: ControlState): void {
    this.#state = s;
    const b = this.#b;
    toggle(b['mute-audio'], s.audioMuted, 'mic', s.audioMuted ? 'Unmute microphone' : 'Mute microphone');
    toggle(b['pause-video'], s.videoPaused, 'cam', s.videoPaused ? 'Turn camera on' : 'Turn camera off');
    toggle(b.record, s.recording, 'rec', s.recording ? 'Stop recording' : 'Start recording', false);
    toggle(b['screen-share'], s.screenSharing, 'screen', s.screenSharing ? 'Stop sharing your screen' : 'Share your screen', false);
    toggle(b.pip, s.pip, 'pip', s.pip ? 'Leave picture in picture' : 'Picture in picture', false);
    if (b['pause-video']) b['pause-video'].hidden = s.audioOnly;
    if (b['switch-camera']) b['switch-camera'].hidden = s.audioOnly || s.videoPaused;
    if (b['switch-to-video']) b['switch-to-video'].hidden = !s.audioOnly;
    if (b['audio-mode']) b['audio-mode'].hidden = s.audioOutput === 'none';
    const layout = b.layout;
    if (layout) {
      layout.dataset.mode = s.mode;
      const label = `Change layout (now ${MODE_LABELS[s.mode]})`;
      layout.setAttribute('aria-label', label);
      layout.title = label;
      layout.innerHTML = icon(s.mode === 'default' ? 'grid' : s.mode);
    }
  }

  #chooseAudioOutput(): void {
    if (this.#state?.audioOutput === 'picker') this.#act.pickAudioOutput();
    else void this.#toggleMenu();
  }

  async #toggleMenu(): Promise<void> {
    const menu = this.#menu.part;
    if (menu?.open) return menu.hide(true);
    const outputs = await this.#act.audioOutputs().catch((): AudioOutputDevice[] => []);
    this.#menu.show((m) => m.show(outputs, this.#state?.audioMode));
  }
}

function toggle(b: HTMLButtonElement | undefined, on: boolean, ic: Parameters<typeof icon>[0], label: string, slash = true): void {
  if (!b) return;
  if (b.getAttribute('aria-pressed') !== String(on) || !b.firstChild) b.innerHTML = icon(ic, on && slash);
  b.setAttribute('aria-pressed', String(on));
  b.setAttribute('aria-label', label);
  b.title = label;
}
