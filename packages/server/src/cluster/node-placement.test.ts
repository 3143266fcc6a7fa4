/** Placing a new session's room on the least loaded Janus node. */
import { describe, expect, it } from 'vitest';
import { leastLoaded, type NodeLoad } from './node-placement.ts';

const loads = (entries: [string, NodeLoad][]) => new Map(entries);

describe('the least loaded node', () => {
  it('has the fewest participants', () => {
    expect(leastLoaded(['a', 'b', 'c'], loads([['a', { participants: 9, streams: 1 }], ['b', { participants: 2, streams: 40 }], ['c', { participants: 5, streams: 0 }]]))).toBe('b');
  });

  it('breaks a tie in participants by fewer streams', () => {
    expect(leastLoaded(['a', 'b'], loads([['a', { participants: 4, streams: 12 }], ['b', { participants: 4, streams: 8 }]]))).toBe('b');
  });

  it('takes the first listed when the loads are equal', () => {
    expect(leastLoaded(['b', 'a'], loads([['a', { participants: 1, streams: 1 }], ['b', { participants: 1, streams: 1 }]]))).toBe('b');
  });

  it('counts a node nobody reported as empty', () => {
    expect(leastLoaded(['busy', 'new'], loads([['busy', { participants: 1, streams: 0 }]]))).toBe('new');
  });

  it('is undefined without nodes', () => {
    expect(leastLoaded([], new Map())).toBeUndefined();
  });
});
