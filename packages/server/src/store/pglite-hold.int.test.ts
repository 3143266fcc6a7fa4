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

  it('keeps the order work was asked in: a read asked for after a write, both held, sees it', async () => {
    await store.db.query('create temporary table held_order (n int)');
    store.db.holdFor(30);
    const writes = [1, 2, 3].map((n) => store.db.query('insert into held_order values ($1)', [n]));
    store.db.holdFor(10); // shorter than what is left: changes nothing
    const read = store.db.query<{ n: number }>('select n from held_order order by n');
    await Promise.all(writes);
    expect((await read).map((r) => r.n)).toEqual([1, 2, 3]);
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
