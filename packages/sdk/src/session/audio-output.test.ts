import { describe, expect, it } from 'vitest';
import { FakeMediaHandler } from '../testing/fake-media.ts';
import { AudioOutput } from './audio-output.ts';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const element = () => ({}) as HTMLMediaElement;

/** A fake browser: what it supports, the outputs it lists, and its picker's answer. */
function browser(support: { route: boolean; pick: boolean }, outputs: { deviceId: string; label: string }[], picked?: { deviceId: string; label: string } | Error) {
  const media = new FakeMediaHandler();
  media.devices = outputs.map((o) => ({ kind: 'audiooutput', ...o }));
  Object.assign(media, {
    audioOutput: support,
    selectAudioOutput: async () => {
      if (picked instanceof Error || !picked) throw picked ?? new Error('NotFoundError');
      return { kind: 'audiooutput', groupId: '', ...picked };
    },
  });
  return media;
}

describe('audio output in a browser that cannot route it (no setSinkId)', () => {
  it('offers the one default mode, sets it without error, and has nothing to choose', async () => {
    const media = browser({ route: false, pick: false }, []);
    const output = new AudioOutput(media, quiet);
    output.attach(element());
    expect(output.choice).toBe('none');
    expect(await output.modes()).toEqual(['SPEAKER']);
    await output.setMode('SPEAKER');
    expect(output.mode).toBe('SPEAKER');
    expect(media.sinks).toEqual([]);
  });
});

describe('audio output in Firefox (setSinkId and selectAudioOutput, no outputs listed before a pick)', () => {
  it("routes SPEAKER to the default output as '' (Firefox refuses 'default')", async () => {
    const media = browser({ route: true, pick: true }, []);
    const output = new AudioOutput(media, quiet);
    output.attach(element());
    expect(output.choice).toBe('picker');
    await output.setMode('SPEAKER');
    expect(media.sinks.map((s) => s.deviceId)).toEqual(['']);
  });

  it("uses the browser's picker: the device chosen sets the route and the mode", async () => {
    const media = browser({ route: true, pick: true }, [], { deviceId: 'usb-1', label: 'USB Headset' });
    const output = new AudioOutput(media, quiet);
    output.attach(element());
    expect(await output.pick()).toBe('HEADPHONES');
    expect(output.mode).toBe('HEADPHONES');
    expect(media.sinks.map((s) => s.deviceId)).toEqual(['usb-1']);
  });

  it('keeps the route when the user picks nothing', async () => {
    const media = browser({ route: true, pick: true }, [], new Error('NotAllowedError'));
    const output = new AudioOutput(media, quiet);
    output.attach(element());
    expect(await output.pick()).toBeUndefined();
    expect(output.mode).toBeUndefined();
    expect(media.sinks).toEqual([]);
  });
});

describe('audio output in Chromium (setSinkId, outputs listed, no picker)', () => {
  it('offers our menu of modes from the listed devices', async () => {
    const media = browser({ route: true, pick: false }, [
      { deviceId: 'default', label: 'Default - Speakers' },
      { deviceId: 'hp', label: 'USB Headset' },
    ]);
    const output = new AudioOutput(media, quiet);
    expect(output.choice).toBe('menu');
    expect(await output.modes()).toEqual(['SPEAKER', 'HEADPHONES']);
    expect(await output.pick()).toBeUndefined();
  });
});
