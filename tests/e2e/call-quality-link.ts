/**
 * What the network-quality e2e files share: shaping a page's link with tc on
 * the namespace's loopback (htb and u32 are in this kernel, netem is not), the
 * UDP ports a page's connections can use, and every onNetworkQualityChanged a
 * page hears from before it joins.
 */
import { execFileSync } from 'node:child_process';
import type { CallPage } from './harness.ts';

let shaped = false;
/** The poll that shapes a throttled page's new ports (throttle). */
let following: ReturnType<typeof setInterval> | undefined;

const tc = (...args: string[]): string => execFileSync('tc', args, { encoding: 'utf8' });

/** One htb class at `rate` with a `limit`-packet queue on the namespace's loopback (a queue of 0 drops everything); nothing goes through it until `shapePorts`. */
function shapeClass(rate: string, limit: number): void {
  tc('qdisc', 'add', 'dev', 'lo', 'root', 'handle', '1:', 'htb', 'default', '10', 'r2q', '1000');
  shaped = true;
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
  tc('class', 'add', 'dev', 'lo', 'parent', '1:', 'classid', '1:20', 'htb', 'rate', rate, 'ceil', rate);
  tc('qdisc', 'add', 'dev', 'lo', 'parent', '1:20', 'handle', '20:', 'pfifo', 'limit', String(limit));
}

/** Every UDP packet from or to `ports` (as `directions` say) through the shaped class. */
function shapePorts(ports: readonly number[], directions: ReadonlyArray<'sport' | 'dport'>): void {
  for (const port of ports) {
    for (const dir of directions) {
      tc('filter', 'add', 'dev', 'lo', 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'protocol', '17', '0xff', 'match', 'ip', dir, String(port), '0xffff', 'flowid', '1:20');
    }
  }
}

/** Every UDP packet from or to `ports` (as `directions` say) through one htb class at `rate` with a `limit`-packet queue; a queue of 0 drops them all. */
export function shape(ports: readonly number[], directions: ReadonlyArray<'sport' | 'dport'>, rate: string, limit: number): void {
  shapeClass(rate, limit);
  shapePorts(ports, directions);
}

/**
 * A page's whole link at `rate` with a `limit`-packet queue, both ways, as a poor network would hold
 * it: every port its connections gathered, and every port they gather later — a client losing most
 * of its packets restarts ICE and, failing that, makes its connections again, on new ports
 * (seen under load: a page shaped on the ports it had at first was heard at 5 again 15 s into its
 * throttle). Until `unshape`; the ports shaped so far are returned (a live set).
 */
export async function throttle(p: CallPage, rate: string, limit: number): Promise<ReadonlySet<number>> {
  shapeClass(rate, limit);
  const seen = new Set<number>();
  let looking = false;
  const follow = async () => {
    if (looking) return;
    looking = true;
    const ports = (await candidatePorts(p).catch(() => [])).filter((port) => !seen.has(port));
    looking = false;
    if (!shaped) return;
    for (const port of ports) seen.add(port);
    shapePorts(ports, ['sport', 'dport']);
  };
  await follow();
  following = setInterval(() => void follow(), 250);
  return seen;
}

export function unshape(): void {
  clearInterval(following);
  following = undefined;
  if (shaped) tc('qdisc', 'del', 'dev', 'lo', 'root');
  shaped = false;
}

/** The local UDP port of each of a page's connections: its selected ICE pair's local candidate (0 before one is selected). */
export function selectedPorts(p: CallPage): Promise<{ publisher: number; subscriber: number }> {
  return p.page.evaluate(async () => {
    const pcs = (window as any).session.getPeerConnections() as Record<'publisher' | 'subscriber', RTCPeerConnection>;
    const port = async (pc: RTCPeerConnection) => {
      const stats = [...(await pc.getStats()).values()] as any[];
      const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      return (stats.find((s) => s.id === pair?.localCandidateId)?.port as number | undefined) ?? 0;
    };
    return { publisher: await port(pcs.publisher), subscriber: await port(pcs.subscriber) };
  });
}

/**
 * Every local UDP port of the page's connections — each gathered candidate's, not only the selected
 * pairs': Chromium gathers one per interface of the namespace, and an ICE agent whose pair turns
 * slow moves to another (measured: with only the selected ports shaped, the throttled publisher's
 * uplink was clean again 11 s in, through its other candidate).
 */
export function candidatePorts(p: CallPage): Promise<number[]> {
  return p.page.evaluate(async () => {
    const pcs = (window as any).session.getPeerConnections() as Record<'publisher' | 'subscriber', RTCPeerConnection>;
    const ports = new Set<number>();
    for (const pc of Object.values(pcs)) {
      for (const s of (await pc.getStats()).values() as IterableIterator<any>) {
        if (s.type === 'local-candidate' && s.protocol === 'udp' && s.port) ports.add(s.port);
      }
    }
    return [...ports];
  });
}

export interface QualityHeard {
  uid: string;
  quality: number;
  at: number;
}

/**
 * Records every onNetworkQualityChanged of the page's next session in `window.qualityHeard`, from the
 * join on: the delegate the page passes to `setDelegate` gets a listener beside its own. Scores are
 * told on changes only, and a newcomer is told the others' soon after its join is answered — a
 * listener added some time after `startSession` resolves may miss those, and a steady score is not
 * told again.
 */
export function recordQualityFromJoin(p: CallPage): Promise<void> {
  return p.page.evaluate(() => {
    const w = window as any;
    w.qualityHeard = [];
    const builder = w.Parley.CallSettingsBuilder.prototype;
    const setDelegate = builder.setDelegate;
    builder.setDelegate = function (this: unknown, delegate: Record<string, unknown>) {
      const record = (e: { uid: string; quality: number }) => w.qualityHeard.push({ uid: e.uid, quality: e.quality, at: Date.now() });
      return setDelegate.call(this, { ...delegate, onNetworkQualityChanged: record });
    };
  });
}

export const qualityHeard = (p: CallPage): Promise<QualityHeard[]> => p.page.evaluate(() => (window as any).qualityHeard as QualityHeard[]);
