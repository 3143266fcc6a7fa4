/**
 * Clients that vanish without closing, with a real server: a socket that
 * stops answering pings is dropped within the heartbeat's bound and its
 * participant waits in the reconnect grace (it can still resume); a client
 * that answers stays; and the server's close does not wait for a client
 * that can no longer answer its close frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, TEST_TOKEN_SECRET, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';

// Beats long enough that a loaded machine's late timers (each beat can start late) fit the one beat of slack.
const BEAT_MS = 400;
const MISSES = 2;
/** Silent for MISSES beats after the beat that first found it silent: at most (MISSES + 1) beats. */
const BOUND_MS = (MISSES + 1) * BEAT_MS;
const env = { PARLEY_WS_HEARTBEAT_MS: String(BEAT_MS), PARLEY_WS_HEARTBEAT_MISSES: String(MISSES), PARLEY_RECONNECT_GRACE_MS: '3000' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tokenFor(uid: string, sessionId: string) {
  const { token } = await signCallToken(new TextEncoder().encode(TEST_TOKEN_SECRET), 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  return token;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(env, { media: true });
});
afterAll(async () => {
  await server?.close();
});

describe('a client that stops answering pings', () => {
  it('is dropped within the bound, and its participant waits in the grace and can resume', async () => {
    const amy = await TestSignalingClient.open(server.url);
    const ben = await TestSignalingClient.open(server.url, { autoPong: false });
    await amy.request('join', { token: await tokenFor('amy', 'hb-a'), sessionId: 'hb-a' });
    const joined = await ben.request('join', { token: await tokenFor('ben', 'hb-a'), sessionId: 'hb-a' });
    // The server last heard ben when the join arrived, not when its answer came back (a slow join ate into the
    // silence): one frame more marks the start of the silence, at most a transit after this instant.
    const silentSince = Date.now();
    const closed = new Promise<number>((resolve) => ben.ws.once('close', () => resolve(Date.now() - silentSince)));
    expect((await ben.request('ping', {})).ok).toBe(true);
    const droppedAfterMs = await Promise.race([closed, sleep(5 * BOUND_MS).then(() => Infinity)]);
    console.log(`a client that swallows pings: dropped ${droppedAfterMs} ms after its last frame (bound ${BOUND_MS} ms)`);
    expect(droppedAfterMs).toBeLessThanOrEqual(BOUND_MS + BEAT_MS); // one beat of slack for a busy machine
    expect(droppedAfterMs).toBeGreaterThanOrEqual(MISSES * BEAT_MS - 50);

    await sleep(100);
    expect(amy.events('participant.left')).toHaveLength(0); // in the grace, not gone
    const again = await TestSignalingClient.open(server.url);
    const resumed = await again.request('resume', { resumeToken: joined.result.resumeToken });
    expect(resumed.ok).toBe(true);
    expect(resumed.result.self.uid).toBe('ben');
    amy.close();
    again.close();
  });
});

describe('a client that answers pings but says nothing', () => {
  it('stays connected far past the bound', async () => {
    const cal = await TestSignalingClient.open(server.url);
    await cal.request('join', { token: await tokenFor('cal', 'hb-b'), sessionId: 'hb-b' });
    let pings = 0;
    cal.ws.on('ping', () => pings++);
    await sleep(4 * BOUND_MS);
    expect(pings).toBeGreaterThanOrEqual(MISSES * 2);
    expect(cal.ws.readyState).toBe(cal.ws.OPEN);
    expect((await cal.request('ping', {})).ok).toBe(true);
    cal.close();
  });
});

describe('stopping the server with a client that vanished', () => {
  it('does not wait for its close frame', async () => {
    const own = await startTestServer({ ...env, PARLEY_WS_HEARTBEAT_MS: '60000' }, { media: true });
    const gone = await TestSignalingClient.open(own.url);
    await gone.request('join', { token: await tokenFor('dan', 'hb-c'), sessionId: 'hb-c' });
    // As if its link went down: it reads nothing more, so it never answers the close frame.
    (gone.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    await own.close();
    const tookMs = Date.now() - started;
    console.log(`server close with a vanished client: ${tookMs} ms`);
    expect(tookMs).toBeLessThan(5_000); // `ws` alone waits 30 s for that close frame
    gone.ws.terminate();
  });
});
