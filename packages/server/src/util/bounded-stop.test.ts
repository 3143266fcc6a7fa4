/** The server's stop, step by step: none can hold the rest. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { stopInSteps } from './bounded-stop.ts';

const log = pino({ level: 'silent' });

describe('a stop in bounded steps', () => {
  it('leaves a step that never finishes behind after its bound, and runs the next', async () => {
    const ran: string[] = [];
    const started = Date.now();

    await stopInSteps(
      [
        ['hangs', () => new Promise(() => ran.push('hangs'))],
        ['after', () => void ran.push('after')],
      ],
      100,
      log,
    );

    expect(ran).toEqual(['hangs', 'after']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('runs the rest after a step that fails, and the steps one after another', async () => {
    const ran: string[] = [];

    await stopInSteps(
      [
        ['slow', () => new Promise((r) => setTimeout(r, 30)).then(() => ran.push('slow'))],
        [
          'fails',
          () => {
            throw new Error('no');
          },
        ],
        ['last', () => void ran.push('last')],
      ],
      1_000,
      log,
    );

    expect(ran).toEqual(['slow', 'last']);
  });
});
