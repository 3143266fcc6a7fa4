import { type JoinResult, ParleyError } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scoped } from '../util/logger.ts';
import { BackoffReconnectPolicy, type ReconnectContext, type ReconnectPolicy } from './reconnect-policy.ts';
import { type ResumeClient, ResumeRace } from './resume.ts';

const RESUMED = { sessionId: 's1' } as JoinResult;

/** A signaling client whose socket opens, fails or hangs when the test says. */
class FakeClient implements ResumeClient {
  closed = false;
  readonly resumes: string[] = [];
  answer: () => Promise<JoinResult> = async () => RESUMED;
  #open!: () => void;
  #fail!: (error: ParleyError) => void;

  constructor(readonly n: number) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#open = resolve;
      this.#fail = reject;
    });
  }
  open(): void {
    this.#open();
  }
  fail(): void {
    this.#fail(new ParleyError('NETWORK_ERROR', `attempt ${this.n}: no route to the server`));
  }
  request(_type: 'resume', { resumeToken }: { resumeToken: string }): Promise<JoinResult> {
    this.resumes.push(resumeToken);
    return this.answer();
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#fail(new ParleyError('CONNECTION_CLOSED', 'closed while opening'));
  }
}

let clients: FakeClient[];
let used: FakeClient[];
let wanted: boolean;

function race(policy: ReconnectPolicy, overlapMs = 300): ResumeRace<FakeClient> {
  return new ResumeRace({
    resumeToken: 'resume-token',
    policy,
    cause: new ParleyError('CONNECTION_CLOSED', 'the socket dropped'),
    openClient: () => {
      const client = new FakeClient(clients.length + 1);
      clients.push(client);
      return client;
    },
    use: (client) => used.push(client),
    stillWanted: () => wanted,
    overlapMs,
    log: scoped('test'),
  });
}

/** A policy that records what it was asked and answers the same pause each time, within `giveUpAfterMs`. */
function steady(pauseMs: number, giveUpAfterMs = 10_000): ReconnectPolicy & { asked: ReconnectContext[] } {
  const asked: ReconnectContext[] = [];
  const nextRetryDelayMs = (context: ReconnectContext) => {
    asked.push(context);
    return context.elapsedMs + pauseMs < giveUpAfterMs ? pauseMs : null;
  };
  return { asked, nextRetryDelayMs };
}

beforeEach(() => {
  vi.useFakeTimers();
  clients = [];
  used = [];
  wanted = true;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('resume attempts that overlap', () => {
  it('starts the next attempt while a slow one is still opening, without closing the slow one', async () => {
    race(steady(0));
    await vi.advanceTimersByTimeAsync(0);
    expect(clients).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(299);
    expect(clients).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2); // a pause of 0 is a timer of its own (1 ms under fake timers)
    expect(clients).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(301);
    expect(clients).toHaveLength(3);
    expect(clients.map((c) => c.closed)).toEqual([false, false, false]);
  });

  it('the first to open sends resume and wins; every other attempt is closed then', async () => {
    const attempts = race(steady(0));
    await vi.advanceTimersByTimeAsync(650); // three attempts opening
    // The oldest one's SYN got through at last (the link came back): it wins over the newer ones.
    clients[0]!.open();
    expect(await attempts.outcome).toBe(RESUMED);
    expect(used).toEqual([clients[0]]);
    expect(clients[0]!.resumes).toEqual(['resume-token']);
    expect(clients.map((c) => c.closed)).toEqual([false, true, true]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(clients).toHaveLength(3); // nothing more is started
  });

  it('asks the policy why each attempt made way: still opening, or it failed to open', async () => {
    const policy = steady(100);
    race(policy);
    await vi.advanceTimersByTimeAsync(100); // the first pause
    await vi.advanceTimersByTimeAsync(300); // attempt 1 still opening: makes way
    await vi.advanceTimersByTimeAsync(100);
    clients[1]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(policy.asked.map((c) => [c.retryCount, c.retryReason.code, c.retryReason.message])).toEqual([
      [0, 'CONNECTION_CLOSED', 'the socket dropped'],
      [1, 'NETWORK_ERROR', 'resume attempt 1 still opening after 300 ms'],
      [2, 'NETWORK_ERROR', 'attempt 2: no route to the server'],
    ]);
    // An older attempt failing later changes nothing: the newest made way already.
    clients[0]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(policy.asked).toHaveLength(3);
  });

  it('gives up at the grace with the default policy, leaving no socket open', async () => {
    const attempts = race(new BackoffReconnectPolicy({}, () => 0.5));
    let outcome: unknown = 'pending';
    void attempts.outcome.then((o) => (outcome = o));
    // The link is down: every attempt hangs.
    await vi.advanceTimersByTimeAsync(9_000);
    expect(outcome).toBe('pending');
    // An attempt every half second or so, whatever the back-off reached: a link back now is used soon.
    expect(clients.length).toBeGreaterThanOrEqual(16);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(outcome).toBeUndefined();
    expect(clients.every((c) => c.closed)).toBe(true);
    const made = clients.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(clients).toHaveLength(made);
  });

  it('after a resume the server refused, waits the policy pause; SESSION_ENDED ends the attempts', async () => {
    const attempts = race(steady(1_000));
    await vi.advanceTimersByTimeAsync(1_000);
    clients[0]!.answer = () => Promise.reject(new ParleyError('INTERNAL_ERROR', 'not now'));
    clients[0]!.open();
    await vi.advanceTimersByTimeAsync(999);
    expect(clients).toHaveLength(1);
    expect(clients[0]!.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(clients).toHaveLength(2);
    clients[1]!.answer = () => Promise.reject(new ParleyError('SESSION_ENDED', 'removed already'));
    clients[1]!.open();
    expect(await attempts.outcome).toBe('session-ended');
    expect(clients.every((c) => c.closed)).toBe(true);
  });

  it('a network change the browser reports cuts the pause short', async () => {
    const attempts = race(steady(2_000));
    await vi.advanceTimersByTimeAsync(500);
    expect(clients).toHaveLength(0);
    attempts.networkChanged();
    expect(clients).toHaveLength(1);
    clients[0]!.open();
    expect(await attempts.outcome).toBe(RESUMED);
  });

  it('stops when the session no longer wants it, or is cancelled, closing what is opening', async () => {
    const cancelled = race(steady(0));
    await vi.advanceTimersByTimeAsync(400);
    cancelled.cancel();
    expect(await cancelled.outcome).toBeUndefined();
    expect(clients.map((c) => c.closed)).toEqual([true, true]);

    clients = [];
    const unwanted = race(steady(0));
    await vi.advanceTimersByTimeAsync(0);
    wanted = false;
    clients[0]!.open();
    expect(await unwanted.outcome).toBeUndefined();
    expect(clients[0]!.closed).toBe(true);
    expect(used).toEqual([]);
  });
});
