import { describe, expect, it } from 'vitest';
import { buildRecordingPlan, CANVAS, gridLayout, type TimedStream, timeline } from './filter-graph.ts';

const v = (feed: string, offsetSec: number, file = `${feed}.webm`): TimedStream => ({ file, kind: 'video', feed, offsetSec });
const a = (feed: string, offsetSec: number, file = `${feed}.opus`): TimedStream => ({ file, kind: 'audio', feed, offsetSec });
const graph = (args: string[]) => args[args.indexOf('-filter_complex') + 1] as string;

describe('the grid of video tiles', () => {
  it('gives one video the whole 1280x720 canvas', () => {
    expect(gridLayout(1)).toEqual([{ x: 0, y: 0, width: 1280, height: 720 }]);
  });

  it('puts two videos side by side, each 640x720', () => {
    expect(gridLayout(2)).toEqual([
      { x: 0, y: 0, width: 640, height: 720 },
      { x: 640, y: 0, width: 640, height: 720 },
    ]);
  });

  it('makes a 2x2 grid for three and centres the short last row', () => {
    expect(gridLayout(3)).toEqual([
      { x: 0, y: 0, width: 640, height: 360 },
      { x: 640, y: 0, width: 640, height: 360 },
      { x: 320, y: 360, width: 640, height: 360 },
    ]);
  });

  it('keeps every tile inside the canvas with even sizes, up to 16 people', () => {
    for (let n = 1; n <= 16; n++) {
      const tiles = gridLayout(n);
      expect(tiles).toHaveLength(n);
      for (const t of tiles) {
        expect(t.width % 2).toBe(0);
        expect(t.height % 2).toBe(0);
        expect(t.x + t.width).toBeLessThanOrEqual(CANVAS.width);
        expect(t.y + t.height).toBeLessThanOrEqual(CANVAS.height);
      }
      // no two tiles overlap
      for (const [i, p] of tiles.entries())
        for (const q of tiles.slice(i + 1)) expect(p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y).toBe(true);
    }
    expect(gridLayout(0)).toEqual([]);
  });
});

describe('the ffmpeg plan', () => {
  it('places a late joiner with black before their start and delays their audio to it', () => {
    const plan = buildRecordingPlan([v('1', 0), a('1', 0.02), v('2', 2.5), a('2', 2.75)], 6);
    const g = graph(plan.args);
    expect(plan.hasVideo).toBe(true);
    expect(plan.canvas).toEqual(CANVAS);
    expect(g).toContain('color=c=black:s=1280x720:r=15:d=6.000[base]');
    expect(g).toContain('[1:v]setpts=PTS-STARTPTS');
    expect(g).toMatch(/\[1:v\][^;]*tpad=start_duration=2\.500:start_mode=add:color=black\[v1\]/);
    expect(g).toContain('[o0][v1]overlay=x=640:y=0:eof_action=pass:repeatlast=0[vout]');
    // audio inputs come after the videos: 2 = feed 1's, 3 = feed 2's
    expect(g).toContain('[2:a]aresample=48000,aformat=channel_layouts=stereo,asetpts=PTS-STARTPTS,adelay=20:all=1[a0]');
    expect(g).toContain('adelay=2750:all=1[a1]');
    expect(g).toContain('[silence][a0][a1]amix=inputs=3:duration=first');
    expect(plan.args).toEqual(expect.arrayContaining(['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus']));
    expect(plan.args.slice(plan.args.indexOf('-t'), plan.args.indexOf('-t') + 2)).toEqual(['-t', '6.000']);
    expect(plan.args.filter((x) => x === '-i')).toHaveLength(4);
  });

  it('keeps the graph when a camera changes resolution or shape, and fits every frame to its tile', () => {
    const plan = buildRecordingPlan([v('1', 0, 'v1.webm'), a('1', 0, 'a1.opus')], 3);
    // -reinit_filter 0 comes before the video input only (an input option)
    expect(plan.args.slice(plan.args.indexOf('v1.webm') - 3, plan.args.indexOf('v1.webm') + 1)).toEqual(['-reinit_filter', '0', '-i', 'v1.webm']);
    expect(plan.args.filter((x) => x === '-reinit_filter')).toHaveLength(1);
    expect(graph(plan.args)).toContain('scale=1280:720:force_original_aspect_ratio=decrease:eval=frame,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=black:eval=frame');
  });

  it('gives each input its own index in the order the -i flags come', () => {
    const plan = buildRecordingPlan([a('1', 0, 'a1.opus'), v('1', 0, 'v1.webm')], 3);
    const files = plan.args.filter((_, i) => plan.args[i - 1] === '-i');
    expect(files).toEqual(['v1.webm', 'a1.opus']);
    expect(graph(plan.args)).toContain('[0:v]');
    expect(graph(plan.args)).toContain('[1:a]');
  });

  it('orders tiles by when people joined (feed numbers), not by when their first key frame came', () => {
    // feed 1 joined first but its picture starts later (a late key frame): still the first tile
    const args = buildRecordingPlan([v('2', 0.1, 'two.webm'), v('1', 1.05, 'one.webm'), v('10', 0.5, 'ten.webm')], 5).args;
    const inputs = args.filter((_, i) => args[i - 1] === '-i');
    const tileOf = (file: string) => new RegExp(`\\[${inputs.indexOf(file)}:v\\][^;]*\\[v(\\d)\\]`).exec(graph(args))?.[1];
    expect(['one.webm', 'two.webm', 'ten.webm'].map(tileOf)).toEqual(['0', '1', '2']);
    // names that are not numbers go by their first picture
    const h = graph(buildRecordingPlan([v('zed', 0.1, 'z.webm'), v('abe', 1, 'b.webm')], 5).args);
    expect(h).toMatch(/\[0:v\][^;]*\[v0\]/); // z.webm is input 0 and first
  });

  it('uses one tile per publisher, and shows each of its video streams there from its own start (published again after a media restart)', () => {
    const plan = buildRecordingPlan([v('1', 0, 'cam.webm'), v('1', 3, 'cam2.webm'), v('2', 1)], 5);
    const g = graph(plan.args);
    expect(g.match(/overlay=/g)).toHaveLength(3);
    expect(g).toMatch(/\[1:v\][^;]*tpad=start_duration=3\.000:start_mode=add:color=black\[v0s1\]/);
    expect(g).toContain('[o0][v0s1]overlay=x=0:y=0:eof_action=pass:repeatlast=0[o1]');
    expect(g).toContain('[o1][v1]overlay=x=640:y=0:eof_action=pass:repeatlast=0[vout]');
  });

  it('makes an audio-only file when nobody sent video', () => {
    const plan = buildRecordingPlan([a('1', 0), a('2', 1.234)], 4);
    expect(plan.hasVideo).toBe(false);
    expect(plan.canvas).toBeNull();
    expect(plan.args).not.toContain('-c:v');
    expect(plan.args).not.toContain('[vout]');
    expect(graph(plan.args)).toContain('adelay=1234:all=1');
    expect(graph(plan.args)).toContain('anullsrc=r=48000:cl=stereo,atrim=0:4.000[silence]');
  });

  it('leaves out streams that start after the end, and clamps negative offsets to 0', () => {
    const plan = buildRecordingPlan([v('1', -0.4), a('1', -0.4), v('2', 9)], 5);
    expect(plan.args.filter((x) => x === '-i')).toHaveLength(2);
    expect(graph(plan.args)).toContain('tpad=start_duration=0.000');
    expect(graph(plan.args)).toContain('adelay=0:all=1');
  });
});

describe('the timeline', () => {
  const t0 = 1_700_000_000_000;

  it('spans start to stop when Janus and the server agree on the clock', () => {
    const streams = [
      { startUs: (t0 + 150) * 1000, durationSec: 5.8 },
      { startUs: (t0 + 2_000) * 1000, durationSec: 2 },
    ];
    expect(timeline(streams, t0, t0 + 6_000)).toEqual({ originMs: t0, durationSec: 6 });
  });

  it('falls back to the streams themselves when the clocks disagree', () => {
    const skew = 3_600_000;
    const streams = [
      { startUs: (t0 + skew) * 1000, durationSec: 4 },
      { startUs: (t0 + skew + 1_000) * 1000, durationSec: 4 },
    ];
    expect(timeline(streams, t0, t0 + 6_000)).toEqual({ originMs: t0 + skew, durationSec: 5 });
  });
});
