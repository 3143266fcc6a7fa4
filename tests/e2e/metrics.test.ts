/**
 * The join histogram as real SDKs fill it: three Chromium pages join one
 * call; each measures join → first remote frame from its own stats and
 * reports it once, so /metrics shows three observations, and the live
 * gauges go up with the call and back down after it.
 */
import { observations, sampleValue, scrape } from '@parley/server/testing/metrics-scrape';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, openCallPage, type Stack, startCall, startStack, stats } from './harness.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ PARLEY_METRICS_PORT: '0' });
});
afterAll(async () => {
  await stack?.close();
});

const metrics = () => scrape(stack.server.metricsUrl as string);

describe('metrics from three browsers in one call', () => {
  it('has one join → first frame observation per browser, and the gauges return to zero', async () => {
    const calls: CallPage[] = [];
    for (const uid of ['m-alice', 'm-bob', 'm-carol']) {
      const call = await openCallPage(stack, uid);
      await startCall(call, 'metrics-e2e');
      calls.push(call);
    }
    for (const call of calls) {
      await eventually(() => stats(call), (s) => s.videoFramesDecoded > 0, 20_000, `${call.uid} decoding video`);
    }
    const during = await eventually(metrics, (m) => observations(m, 'parley_join_first_remote_frame_seconds') === 3, 15_000, 'three join timings');
    expect(sampleValue(during, 'parley_participants_live')).toBe(3);
    expect(sampleValue(during, 'parley_sessions_live')).toBe(1);
    expect(sampleValue(during, 'parley_ws_connections')).toBe(3);
    const sum = Number(during.find((f) => f.name === 'parley_join_first_remote_frame_seconds')?.metrics[0]?.sum);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(3 * 20); // seconds: each under the wait above

    for (const call of calls) {
      await call.page.evaluate(() => (window as any).session.endSession());
      await call.context.close();
    }
    const after = await eventually(metrics, (m) => sampleValue(m, 'parley_ws_connections') === 0 && sampleValue(m, 'parley_sessions_live') === 0, 15_000, 'gauges back to 0');
    expect(sampleValue(after, 'parley_participants_live')).toBe(0);
    expect(observations(after, 'parley_join_first_remote_frame_seconds')).toBe(3);
  }, 90_000);
});
