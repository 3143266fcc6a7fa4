import { describe, expect, it } from 'vitest';
import { parseClock, ProgressParser } from './progress.ts';

describe("reading ffmpeg's -progress output", () => {
  it('reports out_time_us against the expected duration, across split chunks', () => {
    const p = new ProgressParser(10);
    expect(p.push('frame=10\nfps=0.0\nout_time_us=2500')).toBe(0);
    expect(p.push('000\nout_time=00:00:02.500000\nprogress=continue\n')).toBeCloseTo(0.25);
    expect(p.push('out_time_ms=5000000\nprogress=continue\n')).toBeCloseTo(0.5);
    expect(p.outTimeSec).toBeCloseTo(5);
  });

  it('ignores N/A and junk, and never goes past 1', () => {
    const p = new ProgressParser(4);
    expect(p.push('out_time_us=N/A\nout_time=N/A\nbitrate=N/A\nnonsense\n')).toBe(0);
    expect(p.push('out_time_us=9000000\n')).toBe(1);
  });

  it('is done at progress=end', () => {
    const p = new ProgressParser(60);
    p.push('out_time_us=1000000\nprogress=end\n');
    expect(p.ended).toBe(true);
    expect(p.fraction).toBe(1);
  });

  it('reads clock times', () => {
    expect(parseClock('01:02:03.5')).toBeCloseTo(3723.5);
    expect(parseClock('-00:00:00.023000')).toBeUndefined();
    expect(parseClock('N/A')).toBeUndefined();
  });
});

describe("janus-pp-rec's report of the first key frame", () => {
  it('turns RTP ticks after the first packet into the seconds the picture starts late', async () => {
    const { keyframeDelaySec } = await import('./raw-streams.ts');
    expect(keyframeDelaySec('Counted 169 frame packets\n  -- 480x270\nFirst keyframe: 297000\n')).toBeCloseTo(3.3);
    expect(keyframeDelaySec('First keyframe: 0')).toBe(0);
    expect(keyframeDelaySec('No key frame?? assuming 640x480...')).toBe(0);
  });
});
