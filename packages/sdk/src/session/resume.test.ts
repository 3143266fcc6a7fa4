import { type JoinResult, ParleyError } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { scoped } from '../util/logger.ts';
import { BackoffReconnectPolicy, type ReconnectContext, type ReconnectPolicy } from './reconnect-policy.ts';
import { type ResumeClient, ResumeAttempts } from './resume.ts';

const RESUMED = { sessionId: 's1' } as JoinResult;
const { patienceMs: PATIENCE, afterRefusalMs } = DEFAULTS.resumeAttempts; // [1_600, 400, 800], 4_000

/**
 * A signaling client whose socket opens or fails when the test says, or when `network` says;
 * like SignalingClient, it gives up (NETWORK_ERROR) after its connect timeout.
 */
class FakeClient implements ResumeClient {
  closed = false;
  readonly resumes: string[] = [];
  answer: () => Promise<JoinResult> = async () => RESUMED;
  #open!: () => void;
  #fail!: (error: ParleyError) => void;

  constructor(
    readonly n: number,
    readonly connectTimeoutMs: number,
  ) {}

  connect(): Promise<void> {
    const opening = new Promise<void>((resolve, reject) => {
      this.#open = resolve;
      this.#fail = reject;
    });
    const timer = setTimeout(() => this.#fail(new ParleyError('NETWORK_ERROR', `attempt ${this.n} timed out`)), this.connectTimeoutMs);
    network?.(this);
    return opening.finally(() => clearTimeout(timer));
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
/** What the network does with each new socket (nothing: it hangs until the test says). */
let network: ((client: FakeClient) => void) | undefined;

function attempts(policy: ReconnectPolicy): ResumeAttempts<FakeClient> {
  return new ResumeAttempts({
    resumeToken: 'resume-token',
    policy,
    cause: new ParleyError('CONNECTION_CLOSED', 'the socket dropped'),
    openClient: (connectTimeoutMs) => {
      const client = new FakeClient(clients.length + 1, connectTimeoutMs);
      clients.push(client);
      return client;
    },
    use: (client) => used.push(client),
    stillWanted: () => wanted,
    patienceMs: PATIENCE,
    afterRefusalMs,
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

const stillOpen = () => clients.filter((c) => !c.closed);

beforeEach(() => {
  vi.useFakeTimers();
  clients = [];
  used = [];
  wanted = true;
  network = undefined;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('resume attempts', () => {
  it('opens one socket at a time, each for its turn of patience, round and round', async () => {
    attempts(steady(0));
    for (let t = 0; t < 5_000; t += 50) {
      await vi.advanceTimersByTimeAsync(50);
      // The browser would hold a second socket back behind one still opening.
      expect(stillOpen().length).toBeLessThanOrEqual(1);
    }
    expect(clients.map((c) => c.connectTimeoutMs)).toEqual([1_600, 400, 800, 1_600, 400, 800]);
  });

  it('the socket that opens sends resume; nothing more is started', async () => {
    const resume = attempts(steady(0));
    await vi.advanceTimersByTimeAsync(2_200); // two attempts timed out, the third opening
    clients[2]!.open();
    expect(await resume.outcome).toBe(RESUMED);
    expect(used).toEqual([clients[2]]);
    expect(clients[2]!.resumes).toEqual(['resume-token']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(clients).toHaveLength(3);
  });

  it('asks the policy why each attempt made way: out of patience, or it failed to open', async () => {
    const policy = steady(100);
    attempts(policy);
    await vi.advanceTimersByTimeAsync(100 + 1_600 + 100); // pause, attempt 1 out of patience, pause
    clients[1]!.fail();
    await vi.advanceTimersByTimeAsync(0);
    expect(policy.asked.map((c) => [c.retryCount, c.retryReason.code, c.retryReason.message])).toEqual([
      [0, 'CONNECTION_CLOSED', 'the socket dropped'],
      [1, 'NETWORK_ERROR', 'attempt 1 timed out'],
      [2, 'NETWORK_ERROR', 'attempt 2: no route to the server'],
    ]);
  });

  it('once an attempt is refused, each later one gets the long patience: a server starting again is slow to take sockets', async () => {
    attempts(steady(0));
    await vi.advanceTimersByTimeAsync(0);
    clients[0]!.fail(); // nothing listens at the server's address yet
    await vi.advanceTimersByTimeAsync(10);
    await vi.advanceTimersByTimeAsync(2 * afterRefusalMs); // it listens, but takes no socket in time
    expect(clients.map((c) => c.connectTimeoutMs)).toEqual([PATIENCE[0], afterRefusalMs, afterRefusalMs, afterRefusalMs]);
  });

  it('finds a link that came back within about a second, whenever it came back', async () => {
    // A socket opened while the link is down has lost its SYN: TCP sends it again 1 s and 3 s later.
    let linkBackAt = 0;
    const synRetries = [0, 1_000, 3_000];
    network = (client) => {
      const openedAt = Date.now();
      const through = synRetries.map((d) => openedAt + d).find((at) => at >= linkBackAt);
      if (through !== undefined) setTimeout(() => client.open(), through - openedAt + 10);
    };
    const waits: number[] = [];
    for (let outageMs = 3_000; outageMs < 7_000; outageMs += 97) {
      clients = [];
      const start = Date.now();
      linkBackAt = start + outageMs;
      const resume = attempts(new BackoffReconnectPolicy({}, () => 0.5));
      void resume.outcome.then((outcome) => waits.push(outcome === RESUMED ? Date.now() - linkBackAt : Number.POSITIVE_INFINITY));
      await vi.advanceTimersByTimeAsync(10_000);
    }
    waits.sort((a, b) => a - b);
    console.log(`resumed after the link came back: ${waits.join(', ')} ms`);
    expect(waits.at(-1)).toBeLessThanOrEqual(1_100);
    expect(waits[Math.floor(waits.length / 2)]).toBeLessThanOrEqual(500);
  });

  it('gives up at the grace with the default policy, leaving no socket open', async () => {
    const resume = attempts(new BackoffReconnectPolicy({}, () => 0.5));
    let outcome: unknown = 'pending';
    void resume.outcome.then((o) => (outcome = o));
    // The link is down: every attempt hangs.
    await vi.advanceTimersByTimeAsync(9_000);
    expect(outcome).toBe('pending');
    expect(clients.length).toBeGreaterThanOrEqual(8);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(outcome).toBeUndefined();
    expect(stillOpen()).toEqual([]);
    const made = clients.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(clients).toHaveLength(made);
  });

  it('after a resume the server refused, waits the policy pause; SESSION_ENDED ends the attempts', async () => {
    const resume = attempts(steady(1_000));
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
    expect(await resume.outcome).toBe('session-ended');
    expect(clients.every((c) => c.closed)).toBe(true);
  });

  it('a network change the browser reports starts an attempt at once, replacing one still opening', async () => {
    const resume = attempts(steady(2_000));
    await vi.advanceTimersByTimeAsync(500);
    expect(clients).toHaveLength(0);
    resume.networkChanged();
    expect(clients).toHaveLength(1);
    resume.networkChanged(); // the first was opened on the old network
    expect(clients).toHaveLength(2);
    expect(clients[0]!.closed).toBe(true);
    clients[1]!.open();
    expect(await resume.outcome).toBe(RESUMED);
    expect(used).toEqual([clients[1]]);
  });

  it('stops when the session no longer wants it, or is cancelled, closing what is opening', async () => {
    const cancelled = attempts(steady(0));
    await vi.advanceTimersByTimeAsync(400);
    cancelled.cancel();
    expect(await cancelled.outcome).toBeUndefined();
    expect(stillOpen()).toEqual([]);

    clients = [];
    const unwanted = attempts(steady(0));
    await vi.advanceTimersByTimeAsync(0);
    wanted = false;
    clients[0]!.open();
    expect(await unwanted.outcome).toBeUndefined();
    expect(clients[0]!.closed).toBe(true);
    expect(used).toEqual([]);
  });
});
