import { TypedEmitter } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { noopLogger } from '../util/logger.ts';
import type { JanusHandle, JanusHandleEvents } from './janus-handle.ts';
import { JanusPublisher } from './janus-publisher.ts';

/** A handle that only relays the events a test makes it emit. */
function fakeHandle() {
  const handle = Object.assign(new TypedEmitter<JanusHandleEvents>(), { log: noopLogger });
  return { handle, asHandle: handle as unknown as JanusHandle };
}

describe('a publisher in a room that reports audio levels', () => {
  it('reports its own talking and stopped-talking, and ignores the others Janus tells it about', () => {
    const { handle, asHandle } = fakeHandle();
    const publisher = new JanusPublisher(asHandle, 1, { feedId: 7, display: 'ann' });
    const heard: boolean[] = [];
    publisher.on('talking', (talking) => heard.push(talking));

    handle.emit('event', { videoroom: 'talking', room: 1, id: 8, 'audio-level-dBov-avg': 40 }, undefined);
    handle.emit('event', { videoroom: 'talking', room: 1, id: 7, 'audio-level-dBov-avg': 40 }, undefined);
    handle.emit('event', { videoroom: 'stopped-talking', room: 1, id: 7, 'audio-level-dBov-avg': 127 }, undefined);
    handle.emit('event', { videoroom: 'event', room: 1, publishers: [] }, undefined);

    expect(heard).toEqual([true, false]);
  });
});

describe("what Janus receives of a publisher's media", () => {
  it('reports media stopping and returning, but not a simulcast upper layer the browser turned off by itself', () => {
    const { handle, asHandle } = fakeHandle();
    const publisher = new JanusPublisher(asHandle, 1, { feedId: 7, display: 'ann' });
    const heard: Array<[boolean, string]> = [];
    publisher.on('receiving', (receiving, kind) => heard.push([receiving, kind]));

    handle.emit('media', { type: 'video', receiving: false, mid: '1', substream: 2 });
    handle.emit('media', { type: 'video', receiving: false, mid: '1', substream: 0 });
    handle.emit('media', { type: 'audio', receiving: false, mid: '0' });
    handle.emit('media', { type: 'audio', receiving: true, mid: '0' });

    expect(heard).toEqual([
      [false, 'video'],
      [false, 'audio'],
      [true, 'audio'],
    ]);
  });

  it("passes on Janus's stats of the connection", () => {
    const { handle, asHandle } = fakeHandle();
    const publisher = new JanusPublisher(asHandle, 1, { feedId: 7, display: 'ann' });
    const seen: unknown[] = [];
    publisher.on('stats', (s) => seen.push(s));
    const stats = { received: { lossPercent: 3, jitterMs: 4, bytesPerSecond: 90_000 }, rttMs: 25 };
    handle.emit('stats', stats);
    expect(seen).toEqual([stats]);
  });
});
