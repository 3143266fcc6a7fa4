import type { VideoView } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VideoViewReporter } from './video-view-reporter.ts';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function reporter(opts: { active?: () => boolean; fail?: () => boolean } = {}) {
  const sent: VideoView[][] = [];
  const views = new VideoViewReporter({
    send: async (v) => {
      if (opts.fail?.()) throw new Error('socket down');
      sent.push(v);
    },
    active: opts.active ?? (() => true),
    debounceMs: 150,
    log: quiet,
  });
  return { views, sent };
}

describe('reporting how remote videos are shown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the last size once it held for the debounce, in one report for every video', async () => {
    const { views, sent } = reporter();
    views.report('alice', 'camera', { width: 100, height: 50 });
    views.report('alice', 'camera', { width: 640, height: 360 });
    views.report('bob', 'camera', { width: 160.4, height: 90 });
    await vi.advanceTimersByTimeAsync(149);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([
      [
        { uid: 'alice', source: 'camera', width: 640, height: 360 },
        { uid: 'bob', source: 'camera', width: 160, height: 90 },
      ],
    ]);
  });

  it('sends nothing when a size comes back to what the server has', async () => {
    const { views, sent } = reporter();
    views.report('alice', 'camera', { width: 640, height: 360 });
    await vi.advanceTimersByTimeAsync(150);
    views.report('alice', 'camera', { width: 0, height: 0 });
    views.report('alice', 'camera', { width: 640, height: 360 });
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(1);
  });

  it('reports in device pixels', async () => {
    vi.stubGlobal('devicePixelRatio', 2);
    const { views, sent } = reporter();
    views.report('alice', 'screen', { width: 300, height: 200 });
    await vi.advanceTimersByTimeAsync(150);
    vi.unstubAllGlobals();
    expect(sent).toEqual([[{ uid: 'alice', source: 'screen', width: 600, height: 400 }]]);
  });

  it('holds reports while not in the call and sends the latest once joined', async () => {
    let joined = false;
    const { views, sent } = reporter({ active: () => joined });
    views.report('alice', 'camera', { width: 320, height: 180 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent).toEqual([]);
    joined = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([[{ uid: 'alice', source: 'camera', width: 320, height: 180 }]]);
  });

  it('tries a failed report again', async () => {
    let down = true;
    const { views, sent } = reporter({ fail: () => down });
    views.report('alice', 'camera', { width: 320, height: 180 });
    await vi.advanceTimersByTimeAsync(150);
    down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([[{ uid: 'alice', source: 'camera', width: 320, height: 180 }]]);
  });

  it('sends nothing once stopped', async () => {
    const { views, sent } = reporter();
    views.report('alice', 'camera', { width: 320, height: 180 });
    views.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([]);
  });
});
