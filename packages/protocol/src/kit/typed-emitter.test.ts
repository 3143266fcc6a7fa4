import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './typed-emitter.ts';

type Events = { said: [word: string]; quiet: [] };

describe('TypedEmitter', () => {
  it('calls listeners in the order they were added, and on() returns the way to remove one', () => {
    const emitter = new TypedEmitter<Events>();
    const heard: string[] = [];
    const off = emitter.on('said', (w) => heard.push(`a:${w}`));
    emitter.on('said', (w) => heard.push(`b:${w}`));
    emitter.emit('said', 'hi');
    off();
    emitter.emit('said', 'again');
    expect(heard).toEqual(['a:hi', 'b:hi', 'b:again']);
  });

  it('a throwing or rejecting listener is reported and the others still run', async () => {
    const reported: string[] = [];
    const emitter = new TypedEmitter<Events>((event, error) => reported.push(`${event}:${(error as Error).message}`));
    let ran = false;
    emitter.on('quiet', () => {
      throw new Error('boom');
    });
    emitter.on('quiet', async () => Promise.reject(new Error('later')));
    emitter.on('quiet', () => {
      ran = true;
    });
    expect(emitter.emit('quiet')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ran).toBe(true);
    expect(reported).toEqual(['quiet:boom', 'quiet:later']);
  });

  it('once() hears one event only', () => {
    const emitter = new TypedEmitter<Events>();
    let count = 0;
    emitter.once('quiet', () => count++);
    emitter.emit('quiet');
    emitter.emit('quiet');
    expect(count).toBe(1);
    expect(emitter.listenerCount('quiet')).toBe(0);
  });
});
