/**
 * The default UI's controls: each one is there or not as its setter says
 * (with the seed's default when unset), and each does what it says, through
 * the same session API an app would call.
 */
import { describe, expect, it } from 'vitest';
import { type CallPage, eventually, events } from './harness.ts';
import { type Settings, screenshot, tilesReady, ui, uiTestStack } from './ui-helpers.ts';

const env = uiTestStack();

const join = (uid: string, sessionId: string, settings: Settings = {}): Promise<CallPage> => env.join(uid, sessionId, settings);

const CONTROLS = ['layout', 'mute-audio', 'pause-video', 'switch-camera', 'audio-mode', 'record', 'switch-to-video', 'screen-share', 'pip', 'end-call'];

/** The controls a person can see, by data-control. */
async function visibleControls(call: CallPage): Promise<string[]> {
  const shown: string[] = [];
  for (const name of CONTROLS) if (await ui(call, `[data-control="${name}"]`).isVisible()) shown.push(name);
  return shown;
}

const session = (call: CallPage, expr: string) => call.page.evaluate(`(async () => { const s = window.session; return ${expr}; })()`);

describe('which controls show', () => {
  it("with no settings, shows the seed's defaults: no recording button, no switch to video; screen share where the browser can", async () => {
    const alice = await join('alice', 'ctl-default');
    await tilesReady(alice, 1);
    expect(await visibleControls(alice)).toEqual(['layout', 'mute-audio', 'pause-video', 'switch-camera', 'audio-mode', 'screen-share', 'pip', 'end-call']);
    // Every control has an accessible name.
    const unnamed = await ui(alice, 'button').evaluateAll((bs) => bs.filter((b) => !b.getAttribute('aria-label')).map((b) => b.outerHTML));
    expect(unnamed).toEqual([]);
  });

  it('hides each control whose *ButtonDisable(true) is set, and shows the recording button when asked', async () => {
    const alice = await join('alice', 'ctl-hidden', {
      setters: {
        setEndCallButtonDisable: true,
        setMuteAudioButtonDisable: true,
        setPauseVideoButtonDisable: true,
        setSwitchCameraButtonDisable: true,
        setAudioModeButtonDisable: true,
        setShowRecordingButton: true,
        setShowSwitchToVideoCall: true, // a video call: nothing to switch to
        setShowScreenShareButton: false,
      },
    });
    await tilesReady(alice, 1);
    expect(await visibleControls(alice)).toEqual(['layout', 'record', 'pip']);
    for (const gone of ['end-call', 'mute-audio', 'pause-video', 'switch-camera', 'audio-mode', 'screen-share']) {
      expect(await ui(alice, `[data-control="${gone}"]`).count()).toBe(0);
    }
  });

  it('in an audio-only call shows avatars only, switch-to-video when asked, and no camera controls', async () => {
    const alice = await join('alice', 'ctl-audio', { audioOnly: true, setters: { setShowSwitchToVideoCall: true } });
    await tilesReady(alice, 1, false);
    expect(await visibleControls(alice)).toEqual(['layout', 'mute-audio', 'audio-mode', 'switch-to-video', 'screen-share', 'pip', 'end-call']);
    expect(await ui(alice, '[data-tile]').getAttribute('data-video-off')).toBe('true');
    expect(await ui(alice, '[data-avatar-mode]').isVisible()).toBe(true);
    // The button asks the session to switch (a later issue implements it in the SDK).
    await alice.page.evaluate(() => {
      const w = window as any;
      w.switchCalls = 0;
      w.session.switchToVideoCall = async () => {
        w.switchCalls++;
      };
    });
    await ui(alice, '[data-control="switch-to-video"]').click();
    expect(await alice.page.evaluate(() => (window as any).switchCalls)).toBe(1);
  });
});

describe('what the controls do', () => {
  it('mute from the button gives the other side the same onUserMuted as audioMuted(true)', async () => {
    const alice = await join('alice', 'ctl-mute');
    const bob = await join('bob', 'ctl-mute');
    await tilesReady(bob, 2);
    const mute = ui(alice, '[data-control="mute-audio"]');
    expect(await mute.getAttribute('aria-pressed')).toBe('false');

    await mute.click();
    const [byButton] = await eventually(() => events(bob, 'onUserMuted'), (e) => e.length === 1, 5_000, 'onUserMuted from the button');
    await eventually(() => mute.getAttribute('aria-pressed'), (v) => v === 'true', 5_000, 'the button pressed');
    expect(await mute.getAttribute('aria-label')).toBe('Unmute microphone');
    expect(await ui(bob, '[data-uid="alice"]').getAttribute('data-audio-muted')).toBe('true');
    expect(await alice.page.evaluate(() => (window as any).session.getLocalStream().getAudioTracks()[0].enabled)).toBe(false);

    await mute.click(); // unmute
    await eventually(() => events(bob, 'onUserMuted'), (e) => e.length === 2, 5_000, 'onUserMuted unmuted');
    expect(await ui(bob, '[data-uid="alice"]').getAttribute('data-audio-muted')).toBe('false');

    await session(alice, 's.audioMuted(true)');
    const all = await eventually(() => events(bob, 'onUserMuted'), (e) => e.length === 3, 5_000, 'onUserMuted from the method');
    expect(all[2]!.payload).toEqual(byButton!.payload);
    expect(byButton!.payload).toMatchObject({ mutedBy: 'alice', isAudioMuted: true, isVideoMuted: false, muted: { uid: 'alice' } });
    // The UI follows the method too.
    await eventually(() => mute.getAttribute('aria-pressed'), (v) => v === 'true', 5_000, 'the button follows the method');
  });

  it('pause video turns the camera off for everyone, and back on', async () => {
    const alice = await join('alice', 'ctl-video');
    const bob = await join('bob', 'ctl-video');
    await tilesReady(bob, 2);
    const pause = ui(alice, '[data-control="pause-video"]');
    await pause.click();
    await eventually(() => ui(bob, '[data-uid="alice"]').getAttribute('data-video-off'), (v) => v === 'true', 5_000, 'alice camera off at bob');
    expect((await events(bob, 'onUserMuted')).at(-1)?.payload).toMatchObject({ isVideoMuted: true });
    expect(await pause.getAttribute('aria-pressed')).toBe('true');
    expect(await ui(alice, '[data-control="switch-camera"]').isVisible()).toBe(false);
    expect(await session(alice, 's.getLocalStream().getVideoTracks().length')).toBe(0);
    await pause.click();
    await tilesReady(bob, 2);
    expect(await pause.getAttribute('aria-pressed')).toBe('false');
  });

  it('switch camera opens the camera again (a new track), the end-call button only reports onCallEndButtonPressed', async () => {
    const alice = await join('alice', 'ctl-camera');
    await tilesReady(alice, 1);
    const trackId = () => session(alice, 's.getLocalStream().getVideoTracks()[0]?.id');
    const before = await trackId();
    await ui(alice, '[data-control="switch-camera"]').click();
    await eventually(trackId, (id) => typeof id === 'string' && id !== before, 5_000, 'a new camera track');
    await tilesReady(alice, 1);

    await ui(alice, '[data-control="end-call"]').click();
    await eventually(() => events(alice, 'onCallEndButtonPressed'), (e) => e.length === 1, 5_000, 'onCallEndButtonPressed');
    // In the session-only flow the app decides: the session is still joined until it calls endSession.
    expect(await session(alice, 's.state')).toBe('joined');
  });

  it('the audio-route menu lists outputs with their modes and routes to the one picked, from the keyboard too', async () => {
    const alice = await join('alice', 'ctl-audio-route', { setters: { setDefaultAudioMode: 'SPEAKER' } });
    await tilesReady(alice, 1);
    await eventually(() => session(alice, 's.audioMode'), (m) => m === 'SPEAKER', 5_000, 'the default audio mode applied');
    const button = ui(alice, '[data-control="audio-mode"]');
    await button.focus();
    await alice.page.keyboard.press('Enter');
    const items = ui(alice, '[role=menuitemradio]');
    await eventually(() => items.count(), (n) => n >= 1, 5_000, 'menu items');
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    const modes = await items.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.audioMode));
    expect(modes.every((m) => ['SPEAKER', 'EARPIECE', 'BLUETOOTH', 'HEADPHONES'].includes(m!))).toBe(true);
    expect(await ui(alice, '[role=menuitemradio][aria-checked=true]').first().getAttribute('data-audio-mode')).toBe('SPEAKER');
    // Escape closes it and gives focus back to the button.
    await alice.page.keyboard.press('Escape');
    expect(await ui(alice, '[role=menu]').isVisible()).toBe(false);
    await button.click();
    await items.first().click();
    expect(await ui(alice, '[role=menu]').isVisible()).toBe(false);
    expect(await session(alice, 's.audioMode')).toBe(modes[0]);
  });

  it('setStartAudioMuted and setStartVideoMuted start muted, and the buttons show it', async () => {
    const alice = await join('alice', 'ctl-start-muted', { setters: { setStartAudioMuted: true, setStartVideoMuted: true } });
    const bob = await join('bob', 'ctl-start-muted');
    await eventually(() => ui(bob, '[data-uid="alice"]').getAttribute('data-video-off'), (v) => v === 'true', 10_000, 'alice camera off at bob');
    expect(await ui(bob, '[data-uid="alice"]').getAttribute('data-audio-muted')).toBe('true');
    expect(await ui(alice, '[data-control="mute-audio"]').getAttribute('aria-pressed')).toBe('true');
    expect(await ui(alice, '[data-control="pause-video"]').getAttribute('aria-pressed')).toBe('true');
    // Keyboard: Tab reaches the mute button, Space operates it.
    await ui(alice, '[data-control="mute-audio"]').focus();
    await alice.page.keyboard.press('Space');
    await eventually(() => ui(bob, '[data-uid="alice"]').getAttribute('data-audio-muted'), (v) => v === 'false', 5_000, 'alice unmuted');
  });

  it('the recording button calls startRecording/stopRecording and shows onRecordingToggled', async () => {
    const alice = await join('alice', 'ctl-record', { setters: { setShowRecordingButton: true } });
    await tilesReady(alice, 1);
    const hasRecording = await session(alice, "typeof s.startRecording === 'function'");
    const rec = ui(alice, '[data-control="record"]');
    if (!hasRecording) {
      await alice.page.evaluate(() => {
        const w = window as any;
        w.recCalls = [];
        w.session.startRecording = async () => w.recCalls.push('start');
        w.session.stopRecording = async () => w.recCalls.push('stop');
      });
    }
    await rec.click();
    if (hasRecording) {
      await eventually(() => events(alice, 'onRecordingToggled'), (e) => e.at(-1)?.payload.recording === true, 10_000, 'recording on');
      await eventually(() => rec.getAttribute('aria-pressed'), (v) => v === 'true', 5_000, 'record button pressed');
      await rec.click();
      await eventually(() => events(alice, 'onRecordingToggled'), (e) => e.at(-1)?.payload.recording === false, 10_000, 'recording off');
    } else {
      expect(await alice.page.evaluate(() => (window as any).recCalls)).toEqual(['start']);
    }
  });

  it('the idle warning counts down; Stay keeps the call, Leave ends it', async () => {
    const alice = await openIdleCapturingPage('alice', 'ctl-idle');
    await tilesReady(alice, 1);
    const dialog = ui(alice, '[data-idle-warning]');
    expect(await dialog.isVisible()).toBe(false);
    await alice.page.evaluate(() => {
      const w = window as any;
      w.stayCalls = 0;
      w.session.stayInSession = () => w.stayCalls++;
      w.idleListener({ secondsLeft: 60 });
    });
    // The dialog's code is a chunk loaded when it first shows (ui/default/on-demand.ts).
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('60 s');
    await eventually(() => dialog.getAttribute('data-seconds-left'), (s) => Number(s) <= 59, 3_000, 'the countdown');
    await screenshot(alice.page, 'idle-warning', alice.page.locator('#call'));
    await ui(alice, '[data-control="idle-stay"]').click();
    expect(await dialog.isVisible()).toBe(false);
    expect(await alice.page.evaluate(() => (window as any).stayCalls)).toBe(1);

    await alice.page.evaluate(() => (window as any).idleListener({ secondsLeft: 30 }));
    await ui(alice, '[data-control="idle-leave"]').click();
    await eventually(() => session(alice, 's.state'), (s) => s === 'ended', 5_000, 'the session ended');
  });

  it('enterPIPMode and the PiP button move the call into picture-in-picture and back', async () => {
    const alice = await join('alice', 'ctl-pip');
    const bob = await join('bob', 'ctl-pip');
    await tilesReady(alice, 2);
    void bob;
    const inPip = () =>
      alice.page.evaluate(() => ({
        moved: !document.getElementById('call')!.shadowRoot!.querySelector('[data-parley]'),
        video: document.pictureInPictureElement !== null,
      }));
    await ui(alice, '[data-control="pip"]').click();
    const state = await eventually(inPip, (s) => s.moved || s.video, 5_000, 'picture-in-picture');
    expect(state.moved || state.video).toBe(true);
    console.info(`picture-in-picture via ${state.moved ? 'Document Picture-in-Picture' : 'video PiP'}`);
    await alice.page.evaluate(() => (window as any).Parley.ParleyCalls.exitPIPMode());
    await eventually(inPip, (s) => !s.moved && !s.video, 5_000, 'back from picture-in-picture');
    await tilesReady(alice, 2);
  });

  it('in a browser with video picture-in-picture only (no Document PiP, as Safari and Firefox), the PiP button puts the spotlight video into PiP and back', async () => {
    const alice = await join('alice', 'ctl-video-pip');
    await join('bob', 'ctl-video-pip');
    await tilesReady(alice, 2);
    await alice.page.evaluate(() => {
      delete (Window.prototype as any).documentPictureInPicture;
      delete (window as any).documentPictureInPicture;
    });
    // The document names the UI's shadow host; the shadow root names the video itself.
    const inVideoPip = () => alice.page.evaluate(() => document.getElementById('call')!.shadowRoot!.pictureInPictureElement?.tagName ?? null);
    await ui(alice, '[data-control="pip"]').click();
    await eventually(inVideoPip, (tag) => tag === 'VIDEO', 5_000, 'the spotlight video in picture-in-picture');
    // The call UI itself stayed in the page.
    expect(await alice.page.evaluate(() => document.getElementById('call')!.shadowRoot!.querySelector('[data-parley]') !== null)).toBe(true);
    await alice.page.evaluate(() => (window as any).Parley.ParleyCalls.exitPIPMode());
    await eventually(inVideoPip, (tag) => tag === null, 5_000, 'back from picture-in-picture');
  });
});

/** A page whose session hands the UI's onIdleWarning listener to `window.idleListener` (the server event comes later). */
async function openIdleCapturingPage(uid: string, sessionId: string): Promise<CallPage> {
  const { openCallPage, startCall } = await import('./harness.ts');
  const call = env.track(await openCallPage(env.stack, uid));
  await call.page.evaluate(() => {
    const w = window as any;
    const proto = w.Parley.CallSession.prototype;
    const on = proto.on;
    proto.on = function (this: unknown, event: string, fn: unknown) {
      if (event === 'onIdleWarning') w.idleListener = fn;
      return on.call(this, event, fn);
    };
  });
  await startCall(call, sessionId, { defaultLayout: true });
  return call;
}
