import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LINK_TRANSITIONS, LinkAdaptation, type LinkState, nextLinkState } from './link-adaptation.ts';

const TIMING = { settleMs: 2_000, raiseAfterQuietMs: 10_000, probeAfterMs: 5_000 };

function link() {
  const adaptation = new LinkAdaptation(TIMING);
  const states: LinkState[] = [];
  adaptation.on('changed', (state) => states.push(state));
  return { adaptation, states };
}

/** Slow-link reports a little more than the settle time apart, as a link that stays bad sends them. */
function losing(adaptation: LinkAdaptation, times: number): void {
  for (let i = 0; i < times; i++) {
    adaptation.trouble('slowLink');
    vi.advanceTimersByTime(TIMING.settleMs + 100);
  }
}

describe('the transition table', () => {
  it('steps down one layer per slow link, to paused, and back up one per quiet while', () => {
    const down: LinkState[] = ['full'];
    for (let i = 0; i < 3; i++) down.push(nextLinkState(down.at(-1)!, 'slowLink'));
    expect(down).toEqual(['full', 'reduced', 'lowest', 'paused']);
    const up: LinkState[] = ['paused'];
    for (let i = 0; i < 4; i++) up.push(nextLinkState(up.at(-1)!, 'quiet'));
    expect(up).toEqual(['paused', 'probing', 'lowest', 'reduced', 'full']);
  });

  it('sends a failed probe back to paused', () => {
    expect(nextLinkState('probing', 'slowLink')).toBe('paused');
  });

  it("steps down on congestion in Janus's stats (the stand-in for REMB) as on a slow link, and only quiet steps up", () => {
    const expected: Array<[LinkState, LinkState, LinkState, LinkState]> = [
      // from       slowLink   congested  quiet
      ['full', 'reduced', 'reduced', 'full'],
      ['reduced', 'lowest', 'lowest', 'full'],
      ['lowest', 'paused', 'paused', 'reduced'],
      ['paused', 'paused', 'paused', 'probing'],
      ['probing', 'paused', 'paused', 'lowest'],
    ];
    for (const [from, slowLink, congested, quiet] of expected) {
      expect({ from, ...LINK_TRANSITIONS[from] }).toEqual({ from, slowLink, congested, quiet });
    }
  });

  it('has a row for every state', () => {
    expect(Object.keys(LINK_TRANSITIONS).sort()).toEqual(['full', 'lowest', 'paused', 'probing', 'reduced']);
  });
});

describe("a subscriber's link", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pauses video only after slow links go on at the lowest layer', () => {
    const { adaptation, states } = link();
    losing(adaptation, 2);
    expect(adaptation.state).toBe('lowest');
    expect(adaptation.cap).toBe(0);
    losing(adaptation, 1);
    expect(states).toEqual(['reduced', 'lowest', 'paused']);
    expect(adaptation.cap).toBeNull();
  });

  it('does not step again on reports that came while the last step settled', () => {
    const { adaptation, states } = link();
    adaptation.trouble('slowLink');
    vi.advanceTimersByTime(500);
    adaptation.trouble('slowLink');
    adaptation.trouble('slowLink');
    expect(states).toEqual(['reduced']);
  });

  it('probes a paused link after a quiet while, and returns to the layers above as it stays quiet', () => {
    const { adaptation, states } = link();
    losing(adaptation, 3);
    vi.advanceTimersByTime(TIMING.probeAfterMs);
    expect(adaptation.state).toBe('probing');
    expect(adaptation.cap).toBe(0);
    vi.advanceTimersByTime(TIMING.probeAfterMs);
    expect(adaptation.state).toBe('lowest');
    vi.advanceTimersByTime(TIMING.raiseAfterQuietMs * 2);
    expect(states.slice(3)).toEqual(['probing', 'lowest', 'reduced', 'full']);
  });

  it('pauses again at once when the probe loses packets', () => {
    const { adaptation } = link();
    losing(adaptation, 3);
    vi.advanceTimersByTime(TIMING.probeAfterMs);
    adaptation.trouble('slowLink');
    expect(adaptation.state).toBe('paused');
  });

  it('keeps a link that still loses packets paused: each report restarts the quiet wait', () => {
    const { adaptation } = link();
    losing(adaptation, 3);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(TIMING.probeAfterMs - 1_000);
      adaptation.trouble('slowLink');
    }
    expect(adaptation.state).toBe('paused');
  });

  it('steps down on congestion reports too, settling like slow links, and climbs back after a quiet while', () => {
    const { adaptation, states } = link();
    adaptation.trouble('congested');
    vi.advanceTimersByTime(TIMING.settleMs + 100);
    adaptation.trouble('congested');
    vi.advanceTimersByTime(500);
    adaptation.trouble('slowLink');
    expect(states).toEqual(['reduced', 'lowest']);
    vi.advanceTimersByTime(TIMING.raiseAfterQuietMs);
    expect(states).toEqual(['reduced', 'lowest', 'reduced']);
  });

  it('leaves no timer behind once closed', () => {
    const { adaptation } = link();
    losing(adaptation, 1);
    adaptation.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
