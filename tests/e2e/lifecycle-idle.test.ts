/**
 * The idle timeout in the browser: alone in a session for the period set with
 * setIdleTimeoutPeriod, the session ends with onSessionTimeout. The warning
 * comes 60 s before the end, so with the short periods used here (under a
 * minute) it comes at once, counting down the whole period; "Stay" starts the
 * period again (and with it, at once, a new warning); someone joining stops it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, events, type Stack, startStack } from './harness.ts';
import { joinUI, leave, ui } from './ui-helpers.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const state = (call: CallPage) => call.page.evaluate(() => (window as any).session.state as string);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('alone in a session with a 5 s idle period', () => {
  it('is warned at once, sees the dialog, and then the session times out', async () => {
    const started = Date.now();
    const alice = await joinUI(stack, 'alice', 'idle-1', { setters: { setIdleTimeoutPeriod: 5 } });
    const warnings = await eventually(() => events(alice, 'onIdleWarning'), (e) => e.length === 1, 5_000, 'the idle warning');
    expect(warnings[0]?.payload).toEqual({ secondsLeft: 5 });
    await expect.poll(() => ui(alice, '[data-idle-warning]').isVisible()).toBe(true);
    expect(await ui(alice, '[data-idle-warning] p').textContent()).toMatch(/ends in \d s/);

    await eventually(() => events(alice, 'onSessionTimeout'), (e) => e.length === 1, 10_000, 'onSessionTimeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    expect(await state(alice)).toBe('ended');
    expect(await events(alice, 'onCallEnded')).toEqual([]);

    const record = await eventually(
      () => stack.server.services.store.sessions.get('idle-1'),
      (r) => r?.status === 'ended',
      5_000,
      'the session record ended',
    );
    expect(record?.endReason).toBe('timeout');
    expect(record?.participants.map((p) => [p.uid, p.leaveReason])).toEqual([['alice', 'timeout']]);
    await leave(alice);
  });
});

describe('"Stay" and someone joining', () => {
  it('keep the session: Stay (button, then method) restarts the period, a join stops it, a leave starts it again', async () => {
    const alice = await joinUI(stack, 'alice', 'idle-2', { setters: { setIdleTimeoutPeriod: 6 } });
    const t0 = Date.now();
    await eventually(() => events(alice, 'onIdleWarning'), (e) => e.length === 1, 5_000, 'the first warning');

    // Stay with the dialog's button, halfway through.
    await sleep(3_000);
    expect(Number(await ui(alice, '[data-idle-warning]').getAttribute('data-seconds-left'))).toBeLessThanOrEqual(3);
    await ui(alice, '[data-control=idle-stay]').click();
    // A new period began: a new warning comes at once (the period is under a minute), counting from 6 again.
    await eventually(() => events(alice, 'onIdleWarning'), (e) => e.length === 2, 5_000, 'the warning after Stay');
    await expect.poll(() => ui(alice, '[data-idle-warning]').isVisible()).toBe(true);
    expect(Number(await ui(alice, '[data-idle-warning]').getAttribute('data-seconds-left'))).toBeGreaterThanOrEqual(5);
    // Past the first deadline (6 s after joining), still in the call.
    await sleep(Math.max(0, 7_500 - (Date.now() - t0)));
    expect(await state(alice)).toBe('joined');
    expect(await events(alice, 'onSessionTimeout')).toEqual([]);

    // Stay through the method, before the second deadline (about 9 s after joining).
    await alice.page.evaluate(() => (window as any).session.stayInSession());
    await eventually(() => events(alice, 'onIdleWarning'), (e) => e.length === 3, 5_000, 'the warning after stayInSession');
    const t1 = Date.now();

    // Bob joins: the countdown stops and the dialog closes.
    const bob = await joinUI(stack, 'bob', 'idle-2', { setters: { setIdleTimeoutPeriod: 6 } });
    await expect.poll(() => ui(alice, '[data-idle-warning]').isVisible()).toBe(false);
    await sleep(Math.max(0, 8_000 - (Date.now() - t1)));
    expect(await state(alice)).toBe('joined');
    expect(await state(bob)).toBe('joined');
    expect(await events(alice, 'onSessionTimeout')).toEqual([]);
    expect(await events(bob, 'onIdleWarning')).toEqual([]);
    const warningsBefore = (await events(alice, 'onIdleWarning')).length;

    // Bob leaves: Alice is alone again, warned, and timed out after her period.
    await leave(bob);
    await eventually(() => events(alice, 'onIdleWarning'), (e) => e.length === warningsBefore + 1, 5_000, 'the warning after bob left');
    await eventually(() => events(alice, 'onSessionTimeout'), (e) => e.length === 1, 10_000, 'onSessionTimeout after bob left');
    expect(await state(alice)).toBe('ended');
    await leave(alice);
  });
});
