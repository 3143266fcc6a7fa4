/**
 * One participant's call quality as a uPlot chart: bitrate sent and received
 * (kbit/s, left axis), packet loss (%) and round-trip time (ms, right axes),
 * one point per 5 s sample, with each join and leave marked by a line.
 */
import type { ParticipantQuality, StoredQualitySample } from '@parley/protocol';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css';

const HEIGHT = 220; // px

/** The columns uPlot draws: times (s), then each series, a value per sample. */
export type ChartData = [times: number[], sent: number[], received: number[], loss: number[], rtt: Array<number | null>];

/** A sample's numbers: bitrates summed over its connections, the worst loss and round trip. */
export function chartData(samples: readonly StoredQualitySample[]): ChartData {
  const data: ChartData = [[], [], [], [], []];
  for (const s of samples) {
    const rtts = s.connections.map((c) => c.rttMs).filter((v): v is number => v !== null);
    data[0].push(Date.parse(s.at) / 1000);
    data[1].push(s.connections.reduce((sum, c) => sum + c.bitrateOutKbps, 0));
    data[2].push(s.connections.reduce((sum, c) => sum + c.bitrateInKbps, 0));
    data[3].push(Math.max(0, ...s.connections.map((c) => c.lossPercent)));
    data[4].push(rtts.length > 0 ? Math.max(...rtts) : null);
  }
  return data;
}

/** Joins and leaves as [time (s), label]. */
export function stayMarks(person: ParticipantQuality): Array<[number, string]> {
  return person.stays.flatMap((s) => [
    [Date.parse(s.joinedAt) / 1000, 'joined'] as [number, string],
    ...(s.leftAt ? [[Date.parse(s.leftAt) / 1000, 'left'] as [number, string]] : []),
  ]);
}

let styled = false;

/** uPlot's own stylesheet, once per page. */
function addUplotStyles(): void {
  if (styled) return;
  styled = true;
  const style = document.createElement('style');
  style.textContent = uplotCss;
  document.head.append(style);
}

/** Draws each join and leave as a dashed vertical line with its label. */
function markStays(marks: Array<[number, string]>): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.strokeStyle = '#868e96';
          ctx.fillStyle = '#495057';
          ctx.setLineDash([4, 4]);
          ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
          for (const [t, label] of marks) {
            const x = Math.round(u.valToPos(t, 'x', true));
            if (x < bbox.left || x > bbox.left + bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, bbox.top);
            ctx.lineTo(x, bbox.top + bbox.height);
            ctx.stroke();
            ctx.fillText(label, x + 3 * devicePixelRatio, bbox.top + 12 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/** Renders the chart into `host` (as wide as it is); returns the uPlot instance (destroy() it when the chart goes). */
export function qualityChart(host: HTMLElement, person: ParticipantQuality): uPlot {
  addUplotStyles();
  const data = chartData(person.samples);
  const marks = stayMarks(person);
  // The x range covers the stays too, so a join before the first sample shows.
  const times = [...data[0], ...marks.map(([t]) => t)];
  const options: uPlot.Options = {
    width: Math.max(280, host.clientWidth),
    height: HEIGHT,
    plugins: [markStays(marks)],
    scales: {
      x: { time: true, range: () => [Math.min(...times) - 2, Math.max(...times) + 2] },
      kbps: { range: (_u, _min, max) => [0, Math.max(100, max * 1.1)] },
      pct: { range: (_u, _min, max) => [0, Math.max(5, max * 1.2)] },
      ms: { range: (_u, _min, max) => [0, Math.max(50, max * 1.2)] },
    },
    series: [
      {},
      { label: 'Sent kbit/s', scale: 'kbps', stroke: '#3b5bdb', width: 2 },
      { label: 'Received kbit/s', scale: 'kbps', stroke: '#2b8a3e', width: 2 },
      { label: 'Loss %', scale: 'pct', stroke: '#e03131', width: 1.5 },
      { label: 'RTT ms', scale: 'ms', stroke: '#f08c00', width: 1.5, dash: [6, 3] },
    ],
    axes: [
      {},
      { scale: 'kbps', label: 'kbit/s', size: 52 },
      { scale: 'pct', side: 1, label: 'loss %', grid: { show: false }, size: 44 },
      { scale: 'ms', side: 1, label: 'RTT ms', grid: { show: false }, size: 50 },
    ],
  };
  return new uPlot(options, data as uPlot.AlignedData, host);
}
