import { describe, expect, it } from 'vitest';
import { SenderHealth } from './sender-health.ts';

function health() {
  let now = 1_000_000;
  const senders = new SenderHealth({ recoveryMs: 6_000, lossPercent: 5 }, () => now);
  return { senders, later: (ms: number) => (now += ms) };
}

describe("a sender's own trouble, as its receivers' losses are judged", () => {
  it('counts a sender whose media stopped arriving as in trouble until a while after it returns', () => {
    const { senders, later } = health();
    senders.receiving(7, 'audio', true);
    senders.receiving(7, 'video', true);
    expect(senders.inTrouble(7)).toBe(false);
    senders.receiving(7, 'audio', false);
    senders.receiving(7, 'video', false);
    later(60_000);
    expect(senders.inTrouble(7)).toBe(true);
    senders.receiving(7, 'video', true);
    later(5_900);
    expect(senders.inTrouble(7)).toBe(true);
    later(200);
    expect(senders.inTrouble(7)).toBe(false);
  });

  it('does not count a camera turned off (the audio still arrives) as an outage', () => {
    const { senders } = health();
    senders.receiving(7, 'audio', true);
    senders.receiving(7, 'video', false);
    expect(senders.inTrouble(7)).toBe(false);
  });

  it("counts a sender whose uplink loses packets, in the media server's stats, for a while after the reading", () => {
    const { senders, later } = health();
    senders.uplinkLoss(7, 4);
    expect(senders.inTrouble(7)).toBe(false);
    senders.uplinkLoss(7, 12);
    later(5_000);
    expect(senders.inTrouble(7)).toBe(true);
    later(1_500);
    expect(senders.inTrouble(7)).toBe(false);
  });

  it('forgets a feed that is gone, and knows nothing of one never reported', () => {
    const { senders } = health();
    senders.receiving(7, 'audio', false);
    senders.forget(7);
    expect(senders.inTrouble(7)).toBe(false);
    expect(senders.inTrouble(8)).toBe(false);
  });
});
