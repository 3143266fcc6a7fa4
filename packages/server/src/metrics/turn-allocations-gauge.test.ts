/**
 * `parley_turn_allocations` is read at each scrape: it shows what the reader
 * said then, NaN when the reader failed (coturn restarting), and is absent
 * from a server that never asked for it (no embedded coturn).
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { ParleyMetrics } from './parley-metrics.ts';

async function turnAllocations(metrics: ParleyMetrics): Promise<string | undefined> {
  const families = parsePrometheusTextFormat((await metrics.scrape()).text);
  return families.find((f) => f.name === 'parley_turn_allocations')?.metrics[0]?.value;
}

describe('the TURN allocations gauge', () => {
  it('shows the count read at each scrape', async () => {
    const metrics = new ParleyMetrics();
    let count = 3;
    metrics.countTurnAllocations(async () => count, () => {});
    expect(await turnAllocations(metrics)).toBe('3');
    count = 0;
    expect(await turnAllocations(metrics)).toBe('0');
  });

  it('says NaN, and reports the error, when coturn does not answer', async () => {
    const metrics = new ParleyMetrics();
    const errors: unknown[] = [];
    metrics.countTurnAllocations(
      async () => {
        throw new Error('coturn CLI: connect ECONNREFUSED');
      },
      (error) => errors.push(error),
    );
    // prom-client writes it `Nan`; Prometheus reads NaN in any case.
    expect(await turnAllocations(metrics)).toMatch(/^nan$/i);
    expect(errors).toHaveLength(1);
  });

  it('is not there without an embedded coturn', async () => {
    expect(await turnAllocations(new ParleyMetrics())).toBeUndefined();
  });
});
