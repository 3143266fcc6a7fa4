import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActiveSpeaker } from './active-speaker.ts';

const QUIET_MS = 2_000;

function speaker() {
  const changes: Array<string | null> = [];
  const active = new ActiveSpeaker(QUIET_MS, (uid) => changes.push(uid));
  return { active, changes };
}

describe('deciding the active speaker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is whoever starts talking; when several talk, the latest to start', () => {
    const { active, changes } = speaker();
    active.talking('ann', true);
    active.talking('ben', true);
    expect(changes).toEqual(['ann', 'ben']);
    expect(active.current).toBe('ben');
  });

  it('falls back at once to the latest who still talks when the speaker stops', () => {
    const { active, changes } = speaker();
    active.talking('ann', true);
    active.talking('cat', true);
    active.talking('ben', true);
    active.talking('ben', false);
    expect(changes.at(-1)).toBe('cat');
    active.talking('ann', false); // not the speaker: nothing changes
    expect(changes).toEqual(['ann', 'cat', 'ben', 'cat']);
  });

  it('becomes null only after nobody has talked for the quiet period', () => {
    const { active, changes } = speaker();
    active.talking('ann', true);
    active.talking('ann', false);
    vi.advanceTimersByTime(QUIET_MS - 1);
    expect(active.current).toBe('ann');
    vi.advanceTimersByTime(1);
    expect(changes).toEqual(['ann', null]);
  });

  it('keeps the speaker through a pause shorter than the quiet period, without telling anyone', () => {
    const { active, changes } = speaker();
    active.talking('ann', true);
    active.talking('ann', false);
    vi.advanceTimersByTime(QUIET_MS / 2);
    active.talking('ann', true);
    vi.advanceTimersByTime(QUIET_MS * 2);
    expect(changes).toEqual(['ann']);
  });

  it('hands over to someone who starts during the quiet period', () => {
    const { active, changes } = speaker();
    active.talking('ann', true);
    active.talking('ann', false);
    active.talking('ben', true);
    vi.advanceTimersByTime(QUIET_MS * 2);
    expect(changes).toEqual(['ann', 'ben']);
  });

  it('drops a speaker who leaves at once, to the latest still talking or to null', () => {
    const { active, changes } = speaker();
    active.talking('ann', true);
    active.talking('ben', true);
    active.left('ben');
    active.left('ann');
    expect(changes).toEqual(['ann', 'ben', 'ann', null]);
  });

  it('leaves no timer behind once closed', () => {
    const { active } = speaker();
    active.talking('ann', true);
    active.talking('ann', false);
    active.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
