/**
 * PGlite runs its queries on the server's own thread, so a join asks it to
 * hold back for a moment (event-wiring.ts): work asked for meanwhile starts
 * once the hold is over, and a transaction already under way is not stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore } from '../testing/test-store.ts';
import type { Store } from './index.ts';

let store: Store;
beforeAll(async () => {
  store = await createTestStore();
});
afterAll(() => store.close());

/** When `work` finished, in ms after it was asked for. */
async function finishedAfter(work: () => Promise<unknown>): Promise<number> {
  const asked = performance.now();
  await work();
  return performance.now() - asked;
}

describe('the embedded database holding back', () => {
  it('answers at once without a hold', async () => {
    expect(await finishedAfter(() => store.db.query('select 1'))).toBeLessThan(50);
  });

  it('starts a query asked for during a hold once the hold is over', async () => {
    store.db.holdFor(80);
    expect(await finishedAfter(() => store.db.query('select 1'))).toBeGreaterThanOrEqual(75);
  });

  it('starts a transaction asked for during a hold once it is over', async () => {
    store.db.holdFor(80);
    expect(await finishedAfter(() => store.db.transaction((tx) => tx.query('select 1')))).toBeGreaterThanOrEqual(75);
  });

  it('lets a transaction under way go on', async () => {
    const inside = await store.db.transaction(async (tx) => {
      store.db.holdFor(200);
      return finishedAfter(() => tx.query('select 1'));
    });
    expect(inside).toBeLessThan(150);
  });

  it('makes each query wait once: a later hold does not hold back what already waited out an earlier one', async () => {
    store.db.holdFor(60);
    const waiting = finishedAfter(() => store.db.query('select 1'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    store.db.holdFor(300); // a second join
    expect(await waiting).toBeLessThan(250);
  });

});
