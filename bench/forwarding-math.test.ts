import { describe, expect, it } from 'vitest';
import { cpuSecondsOf, forwardingCost, rssMbOf, SequenceSpan, withSettings } from './forwarding-math.ts';

describe('cpuSecondsOf', () => {
  it('adds utime and stime (fields 14 and 15) in seconds, even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (janus (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 566 0 0 20 0 40 0 77 0 0';
    expect(cpuSecondsOf(stat)).toBeCloseTo(18.0);
  });

  it('refuses text that is not a stat line', () => {
    expect(() => cpuSecondsOf('nope')).toThrow(/not a \/proc/);
  });
});

describe('rssMbOf', () => {
  it('reads VmRSS in MB', () => {
    expect(rssMbOf('Name:\tjanus\nVmRSS:\t   20480 kB\nVmHWM:\t 30000 kB\n')).toBe(20);
  });
});

describe('forwardingCost', () => {
  it('turns 0.5 CPU s for 20,000 packets into 0.025 s per 1,000 and 40,000 packets per core-second', () => {
    expect(forwardingCost(0.5, 20_000)).toEqual({ cpuSecondsPer1000: 0.025, packetsPerCoreSecond: 40_000 });
  });

  it('refuses a window with no packets or no CPU', () => {
    expect(() => forwardingCost(0.5, 0)).toThrow(/nothing to divide/);
    expect(() => forwardingCost(0, 100)).toThrow(/nothing to divide/);
  });
});

describe('withSettings', () => {
  const jcfg = 'general: {\n\tdebug_level = 4\n\tserver_name = "x"\n}\nmedia: {\n\trtp_port_range = "1-2"\n}\n';

  it('replaces a setting the section has and leaves the rest as it was', () => {
    expect(withSettings(jcfg, { general: { debug_level: '3' } })).toBe(jcfg.replace('debug_level = 4', 'debug_level = 3'));
  });

  it('adds a missing setting to its section', () => {
    const out = withSettings(jcfg, { media: { nack_optimizations: 'true' } });
    expect(out).toBe('general: {\n\tdebug_level = 4\n\tserver_name = "x"\n}\nmedia: {\n\tnack_optimizations = true\n\trtp_port_range = "1-2"\n}\n');
  });

  it('adds a missing section at the end', () => {
    expect(withSettings(jcfg, { nat: { ice_lite: 'true' } })).toBe(`${jcfg}nat: {\n\tice_lite = true\n}\n`);
  });
});

describe('SequenceSpan', () => {
  const span = (...seqs: number[]) => {
    const s = new SequenceSpan();
    for (const n of seqs) s.see(n);
    return s.advanced;
  };

  it('counts the packets a gap stands for, as sent', () => {
    expect(span(10, 11, 15, 16)).toBe(6);
  });

  it('goes on across the 16-bit wrap', () => {
    expect(span(65_534, 65_535, 0, 1)).toBe(3);
  });

  it('does not count a late or repeated packet', () => {
    expect(span(100, 102, 101, 102, 103)).toBe(3);
  });
});
