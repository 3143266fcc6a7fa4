import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { QualityRetention } from './quality-retention.ts';

const DAY_MS = 86_400_000;

describe('the retention of call-quality samples', () => {
  it('purges what was received before the retention, counted from now', async () => {
    const cutoffs: Date[] = [];
    const now = Date.UTC(2026, 10, 28, 12);
    const purgeBefore = async (cutoff: Date) => {
      cutoffs.push(cutoff);
      return 42;
    };
    const retention = new QualityRetention({ purgeBefore }, 7, pino({ level: 'silent' }), () => now);
    expect(await retention.purge()).toBe(42);
    expect(cutoffs).toEqual([new Date(now - 7 * DAY_MS)]);
  });

  it('purges at start and then on its interval, until closed', async () => {
    let purges = 0;
    const purgeBefore = async () => {
      purges++;
      return 0;
    };
    const retention = new QualityRetention({ purgeBefore }, 7, pino({ level: 'silent' }));
    retention.start(20);
    // Until three purges, however late a loaded machine runs the timers (a fixed wait is a guess there).
    for (const until = Date.now() + 5_000; purges < 3 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
    await retention.close();
    const atClose = purges;
    expect(atClose).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 60));
    expect(purges).toBe(atClose);
  });

  it('survives a failing purge (the database away) and answers 0', async () => {
    const retention = new QualityRetention({ purgeBefore: async () => Promise.reject(new Error('connection refused')) }, 7, pino({ level: 'silent' }));
    expect(await retention.purge()).toBe(0);
  });
});
