/**
 * Network quality and call-quality timelines in Chromium (issue 13 items 3, 4):
 * a ~30 s three-person call in the default UI where one person's link is
 * throttled with `tc` (an htb class of 64 kbit/s with a 10-packet queue on her
 * ICE ports, inside this test's own network namespace — netem is not in this
 * kernel, htb and u32 are). Everyone hears onNetworkQualityChanged for
 * themselves and the others, every tile shows signal bars, the throttled
 * person is reported lower, `GET /v1/calls/:id/quality` has about six samples
 * per person with plausible numbers, and the demo plots the call.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, cspViolations, eventually, openCallPage, type Stack, startCall, startStack } from './harness.ts';
import { screenshot } from './ui-helpers.ts';

let stack: Stack;
const pages: CallPage[] = [];
let shaped = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  if (shaped) tc(['qdisc', 'del', 'dev', 'lo', 'root']);
  for (const p of pages) await p.context.close().catch(() => undefined);
  await stack?.close();
});

function tc(args: string[]): boolean {
  try {
    execFileSync('tc', args, { stdio: 'pipe' });
    return true;
  } catch (error) {
    console.warn(`tc ${args.join(' ')}: ${(error as { stderr?: Buffer }).stderr?.toString().trim() ?? error}`);
    return false;
  }
}

/** The local UDP ports of the ICE pairs a page's two connections use. */
function icePorts(p: CallPage): Promise<number[]> {
  return p.page.evaluate(async () => {
    const ports: number[] = [];
    const { publisher, subscriber } = (window as any).session.getPeerConnections();
    for (const pc of [publisher, subscriber] as RTCPeerConnection[]) {
      const stats = [...(await pc.getStats()).values()] as any[];
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const local = stats.find((s) => s.id === pair?.localCandidateId);
      if (local?.port) ports.push(local.port);
    }
    return ports;
  });
}

/** Every packet from or to `ports` on loopback through one 64 kbit/s class with a 10-packet queue: loss and delay, as on a poor link. */
function throttle(ports: number[]): boolean {
  if (!tc(['qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10'])) return false;
  shaped = true;
  const ok = [
    ['class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit'],
    ['class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', '64kbit', 'ceil', '64kbit'],
    ['qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', '10'],
    ...ports.flatMap((port) =>
      ['sport', 'dport'].map((dir) => ['filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', dir, String(port), '0xffff', 'flowid', '1:20']),
    ),
  ].every(tc);
  return ok;
}

interface QualityEvent {
  uid: string;
  quality: number;
  at: number;
}

const qualityEvents = (p: CallPage): Promise<QualityEvent[]> => p.page.evaluate(() => (window as any).qualityEvents as QualityEvent[]);

const tilesWithBars = (p: CallPage) =>
  p.page.evaluate(() => [...(document.getElementById('call')?.shadowRoot?.querySelectorAll('[data-tile] .bars[data-quality]') ?? [])].length);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

describe('network quality and call-quality timelines', () => {
  it('reports everyone\'s quality, lower for a throttled link, keeps ~6 samples each, and the demo plots them', async () => {
    const sessionId = `quality-${Date.now()}`;
    for (const uid of ['ada', 'ben', 'cleo']) {
      const p = await openCallPage(stack, uid);
      pages.push(p);
      await startCall(p, sessionId, { defaultLayout: true });
      await p.page.evaluate(() => {
        const w = window as any;
        w.qualityEvents = [];
        w.session.on('onNetworkQualityChanged', (e: { uid: string; quality: number }) => w.qualityEvents.push({ ...e, at: Date.now() }));
      });
    }
    const [ada, , cleo] = pages as [CallPage, CallPage, CallPage];
    const startedAt = Date.now();

    // Cleo's link is throttled once everyone is connected.
    await eventually(() => icePorts(cleo), (ports) => ports.length === 2, 15_000, "cleo's ICE pairs");
    const throttled = throttle(await icePorts(cleo));
    const throttledAt = Date.now();
    console.log(`tc throttling of cleo's link: ${throttled ? 'on' : 'NOT AVAILABLE'}`);

    // Everyone hears their own quality and both others'; every tile shows bars.
    for (const p of pages) {
      await eventually(
        async () => new Set((await qualityEvents(p)).map((e) => e.uid)),
        (uids) => uids.size === 3,
        20_000,
        `${p.uid} hearing everyone's network quality`,
      );
      await eventually(() => tilesWithBars(p), (n) => n === 3, 5_000, `${p.uid}'s tiles showing signal bars`);
    }
    await screenshot(ada.page, 'call-quality-signal-bars', ada.page.locator('#call'));

    await sleep(Math.max(0, 31_000 - (Date.now() - startedAt)));
    const heard = await Promise.all(pages.map(qualityEvents));
    for (const p of pages) await p.page.evaluate(() => (window as any).session.endSession());
    if (shaped) tc(['qdisc', 'del', 'dev', 'lo', 'root']);
    shaped = false;

    const res = await fetch(`${stack.url}/v1/calls/${sessionId}/quality`, { headers: { authorization: `Bearer ${stack.server.apiKey}` } });
    expect(res.status).toBe(200);
    const timelines = (await res.json()) as {
      participants: Array<{ uid: string; stays: unknown[]; samples: Array<{ at: string; quality: number; connections: Array<Record<string, any>> }> }>;
    };
    const byUid = new Map(timelines.participants.map((p) => [p.uid, p]));
    expect([...byUid.keys()].sort()).toEqual(['ada', 'ben', 'cleo']);
    for (const [uid, person] of byUid) {
      const counts = person.samples.map((s) => s.connections.reduce((sum, c) => sum + c.bitrateInKbps + c.bitrateOutKbps, 0));
      console.log(`${uid}: ${person.samples.length} samples, scores ${person.samples.map((s) => s.quality).join(' ')}, kbit/s ${counts.map(Math.round).join(' ')}`);
      expect(person.samples.length, `${uid}'s samples in ~31 s`).toBeGreaterThanOrEqual(5);
      expect(person.samples.length).toBeLessThanOrEqual(8);
      expect(person.stays).toHaveLength(1);
      expect(counts.every((kbps) => kbps > 0), `${uid}'s bitrate in each sample`).toBe(true);
      for (const c of person.samples.flatMap((s) => s.connections)) {
        expect(c.lossPercent).toBeGreaterThanOrEqual(0);
        expect(c.packetsLost).toBeGreaterThanOrEqual(0);
      }
    }

    // The throttled person is reported lower: by her own SDK (stored), and as the others hear it (relayed).
    if (throttled) {
      const after = (uid: string) => byUid.get(uid)!.samples.filter((s) => Date.parse(s.at) > throttledAt + 5_000).map((s) => s.quality);
      console.log(`scores after throttling: ada ${after('ada')}, ben ${after('ben')}, cleo ${after('cleo')}`);
      expect(median(after('cleo'))).toBeLessThan(median(after('ada')));
      expect(median(after('cleo'))).toBeLessThan(median(after('ben')));
      const [adaHeard] = heard;
      const latest = (uid: string) => adaHeard!.filter((e) => e.uid === uid).at(-1)?.quality ?? Number.NaN;
      console.log(`ada's latest view: ada ${latest('ada')}, ben ${latest('ben')}, cleo ${latest('cleo')}`);
      expect(latest('cleo')).toBeLessThan(latest('ben'));
    }

    // The demo's plot page for the call just ended, as ada sees it.
    await ada.page.evaluate(({ authToken }) => localStorage.setItem('parley.demo.v1', JSON.stringify({ uid: 'ada', name: 'ada', authToken })), {
      authToken: ada.authToken,
    });
    await ada.page.setViewportSize({ width: 900, height: 1400 });
    await ada.page.goto(`${stack.url}/?quality=${sessionId}`);
    await ada.page.locator('#quality [data-quality-plot] canvas').first().waitFor({ state: 'visible', timeout: 15_000 });
    const plots = await ada.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[data-quality-plot]')].map((plot) => {
        const canvas = plot.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        // The "sent" line's colour (#3b5bdb): the series were drawn, not only the axes.
        let sentLine = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (Math.abs(pixels[i]! - 59) < 24 && Math.abs(pixels[i + 1]! - 91) < 24 && Math.abs(pixels[i + 2]! - 219) < 24 && pixels[i + 3]! > 128) sentLine++;
        }
        return { uid: plot.dataset.qualityPlot, samples: Number(plot.dataset.samples), width: canvas.width, sentLine };
      }),
    );
    console.log('demo plots', JSON.stringify(plots));
    expect(plots.map((p) => p.uid).sort()).toEqual(['ada', 'ben', 'cleo']);
    for (const plot of plots) {
      expect(plot.samples).toBeGreaterThanOrEqual(5);
      expect(plot.width).toBeGreaterThan(200);
      expect(plot.sentLine, `${plot.uid}'s plot has its bitrate line`).toBeGreaterThan(50);
    }
    await screenshot(ada.page, 'demo-call-quality', ada.page.locator('#quality'));
    expect(await cspViolations(ada.page)).toEqual([]);
  }, 120_000);
});
