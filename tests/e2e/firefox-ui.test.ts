/**
 * The default UI in Firefox: it lays out a call at desktop and phone widths
 * (screenshots for a person to look at, and the control bar inside the
 * frame), and its audio-mode control follows what the browser offers —
 * Firefox's own output picker (selectAudioOutput) where it exists, and no
 * button, one mode and no error where the browser cannot route audio at all.
 * The picture-in-picture button is there where the browser has Document or
 * video PiP, and gone where it has neither.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, openParticipant, type Participant, type Stack, startCall, startStack } from './harness.ts';
import { SCREENSHOT_DIR } from './ui-helpers.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

/** What the default UI in `who`'s page shows: tiles with a playing video, controls, the toast, and whether the bar fits. */
function view(who: Participant) {
  return who.tab.evaluate(() => {
    const host = document.getElementById('call')!;
    const root = host.shadowRoot!;
    const box = host.getBoundingClientRect();
    const bar = root.querySelector('[part=controls]')!.getBoundingClientRect();
    const visible = (el: Element) => !(el as HTMLElement).hidden && (el as HTMLElement).getBoundingClientRect().width > 0;
    return {
      playing: [...root.querySelectorAll<HTMLElement>('[data-tile]')].filter((t) => t.querySelector('video')!.videoWidth > 0).length,
      controls: [...root.querySelectorAll<HTMLElement>('[data-control]')].filter(visible).map((b) => b.dataset.control),
      barInside: bar.left >= box.left - 0.5 && bar.right <= box.right + 0.5 && bar.bottom <= box.bottom + 0.5 && bar.top >= box.top,
      toast: root.querySelector('.toast')!.textContent,
    };
  });
}

async function picture(who: Participant, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await who.tab.screenshot(join(SCREENSHOT_DIR, `${name}.png`), '#call');
}

describe('the default UI in Firefox', () => {
  it('lays out a call at desktop and phone widths, and its audio-mode control follows what the browser offers', async () => {
    const fox = await openParticipant(stack, 'firefox', 'fiona', 'Fiona');
    const peer = await openParticipant(stack, 'chromium', 'piet', 'Piet');
    // A browser that can neither route audio nor pick an output (an old Safari, a WebView).
    const plain = await openParticipant(stack, 'firefox', 'otto', 'Otto');
    await plain.tab.evaluate(() => {
      delete (HTMLMediaElement.prototype as any).setSinkId;
      delete (MediaDevices.prototype as any).selectAudioOutput;
      delete (Document.prototype as any).pictureInPictureEnabled;
      delete (Window.prototype as any).documentPictureInPicture;
      delete (window as any).documentPictureInPicture;
    });
    await startCall(fox, 'ui-firefox', { defaultLayout: true, size: { width: 960, height: 600 } });
    await startCall(peer, 'ui-firefox');
    await startCall(plain, 'ui-firefox', { defaultLayout: true, size: { width: 640, height: 480 } });

    const desktop = await eventually(() => view(fox), (v) => v.playing === 3, 25_000, 'Fiona showing three playing tiles');
    expect(desktop.barInside).toBe(true);
    expect(desktop.controls).toContain('audio-mode');
    const pip = await fox.tab.evaluate(() => 'documentPictureInPicture' in window || document.pictureInPictureEnabled === true);
    expect(desktop.controls.includes('pip')).toBe(pip);
    await picture(fox, 'firefox-desktop');

    await fox.tab.evaluate(() => {
      document.getElementById('call')!.style.cssText = 'width:390px;height:760px';
    });
    const phone = await eventually(() => view(fox), (v) => v.playing === 3 && v.barInside, 10_000, 'Fiona at phone width');
    expect(phone.controls).toContain('end-call');
    await picture(fox, 'firefox-phone');

    // Firefox lists devices (enumerateDevices) only to the tab in front.
    await fox.tab.bringToFront();
    // Firefox: SPEAKER is the default output ('' — Firefox refuses 'default'), and the button opens Firefox's picker.
    const fiona = await fox.tab.evaluate(async () => {
      const session = (window as any).session;
      const within = (p: Promise<unknown>, what: string) =>
        Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle in 5 s`)), 5000))]);
      const modes = await within(session.getAudioOutputModes(), 'getAudioOutputModes');
      await within(session.setAudioMode('SPEAKER'), "setAudioMode('SPEAKER')");
      (navigator.mediaDevices as any).selectAudioOutput = async () => ({ deviceId: '', kind: 'audiooutput', label: 'USB Headset', groupId: '' });
      document.getElementById('call')!.shadowRoot!.querySelector<HTMLElement>('[data-control=audio-mode]')!.click();
      return { modes, choice: session.audioOutputChoice };
    });
    expect(fiona).toEqual({ modes: ['SPEAKER'], choice: 'picker' });
    await eventually(() => fox.tab.evaluate(() => (window as any).session.audioMode), (m) => m === 'HEADPHONES', 5_000, 'the picked output');
    expect((await view(fox)).toast).toBe('');

    // Neither setSinkId nor selectAudioOutput: no button, one mode, setting it is no error.
    await plain.tab.bringToFront();
    const otto = await plain.tab.evaluate(async () => {
      const session = (window as any).session;
      const within = (p: Promise<unknown>, what: string) =>
        Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle in 5 s`)), 5000))]);
      const modes = await within(session.getAudioOutputModes(), 'getAudioOutputModes');
      await within(session.setAudioMode('SPEAKER'), "setAudioMode('SPEAKER')");
      return { modes, choice: session.audioOutputChoice, mode: session.audioMode };
    });
    expect(otto).toEqual({ modes: ['SPEAKER'], choice: 'none', mode: 'SPEAKER' });
    const ottoView = await view(plain);
    expect(ottoView.controls).not.toContain('audio-mode');
    expect(ottoView.controls).not.toContain('pip');
    expect(ottoView.toast).toBe('');

    for (const who of [fox, peer, plain]) {
      await who.tab.evaluate(() => (window as any).session.endSession());
      await who.tab.close();
    }
  });
});
