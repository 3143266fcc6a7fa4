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
