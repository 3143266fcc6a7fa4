import type { NetworkQuality, QualitySample } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { PeerConnectionLike } from '../media/media-handler.ts';
import { consoleLogger } from '../util/logger.ts';
import { type MonitoredConnection, QualityMonitor } from './quality-monitor.ts';

/** A peer connection whose getStats() sends `kbps` of audio, with `lossPercent` of it reported lost by Janus. */
function sendingPc(kbps: number, lossPercent = 0) {
  let t = 0;
  return {
    getStats: async () => {
      t += 5_000;
      const sent = (t / 1000) * 50; // 50 packets a second
      return new Map([
        ['o', { type: 'outbound-rtp', id: 'o', kind: 'audio', timestamp: t, bytesSent: (t / 1000) * kbps * 125, packetsSent: sent }],
        ['r', { type: 'remote-inbound-rtp', id: 'r', kind: 'audio', timestamp: t, packetsLost: Math.round((sent * lossPercent) / 100), jitter: 0.002, roundTripTime: 0.01 }],
      ]);
    },
  } as unknown as PeerConnectionLike;
}

function monitorOf(connections: MonitoredConnection[], active = () => true) {
  const sent: QualitySample[] = [];
  const measured: NetworkQuality[] = [];
  const monitor = new QualityMonitor({
    connections: () => connections,
    active,
    sessionId: () => 's1',
    measured: (q) => measured.push(q),
    send: async (sample) => sent.push(sample),
    intervalMs: 5_000,
    log: consoleLogger(),
  });
  return { monitor, sent, measured };
}

describe('the quality monitor', () => {
  it('sends a sample per interval from the second reading on, with its own score', async () => {
    const { monitor, sent, measured } = monitorOf([{ target: 'publisher', pc: sendingPc(40) }]);
    await monitor.tick();
    expect(sent).toEqual([]);
    await monitor.tick();
    await monitor.tick();
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ sessionId: 's1', quality: 5, intervalMs: 5_000, connections: [{ connection: 'publisher', bitrateOutKbps: 40, lossPercent: 0 }] });
    expect(measured).toEqual([5, 5]);
  });

  it('scores a lossy uplink lower', async () => {
    const { monitor, measured } = monitorOf([{ target: 'publisher', pc: sendingPc(40, 10) }]);
    await monitor.tick();
    await monitor.tick();
    expect(measured).toEqual([2]);
  });

  it('starts over with a connection made since (after a media restart), and measures nothing while not joined', async () => {
    const connections: MonitoredConnection[] = [{ target: 'publisher', pc: sendingPc(40) }];
    let joined = true;
    const { monitor, sent } = monitorOf(connections, () => joined);
    await monitor.tick();
    connections[0] = { target: 'publisher', pc: sendingPc(40) };
    await monitor.tick();
    expect(sent).toEqual([]);
    joined = false;
    await monitor.tick();
    await monitor.tick();
    expect(sent).toEqual([]);
  });
});
