/**
 * TURN wired into the server (PARLEY_TURN=embedded): the join and resume
 * results carry iceServers with a credential for the user, and the real
 * coturn the server supervises takes that credential — through the server's
 * own port too — and refuses one that expired or was signed with another secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSignalingClient } from '../testing/signaling-client.ts';
import { startTestServer, TEST_TOKEN_SECRET, type TestServer } from '../testing/test-server.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { TurnClient } from './turn-client.ts';
import { TurnCredentials } from './turn-credentials.ts';

let server: TestServer;
const clients: TestSignalingClient[] = [];

async function join(uid: string, sessionId: string): Promise<{ client: TestSignalingClient; result: any }> {
  const { token } = await signCallToken(new TextEncoder().encode(TEST_TOKEN_SECRET), 600, { sessionId, uid, name: uid, avatar: null, kind: 'group' });
  const client = await TestSignalingClient.open(server.url);
  clients.push(client);
  const res = await client.request('join', { token, sessionId });
  expect(res.ok).toBe(true);
  return { client, result: res.result };
}

/** host:port of a turn: URL. */
function addressOf(url: string): { host: string; port: number } {
  const m = /^turns?:([^:?]+):(\d+)/.exec(url);
  if (!m) throw new Error(`not a TURN URL: ${url}`);
  return { host: m[1] as string, port: Number(m[2]) };
}

beforeAll(async () => {
  server = await startTestServer({ PARLEY_TURN: 'embedded', PARLEY_TURN_TTL_SECONDS: '120' }, { media: true });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server?.close();
});

describe('a server with an embedded coturn', () => {
  it('says so for the startup line', () => {
    expect(server.turn).toMatch(/^embedded coturn on .+:\d+ \(UDP\/TCP\), and TCP through the server's port$/);
  });

  it('gives each joining user iceServers: UDP to coturn, TCP through the server’s own port, a credential for them that expires', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { result } = await join('alice', 'turn-a');
    const [ice] = result.iceServers;
    const serverPort = Number(new URL(server.url).port);
    expect(ice.urls).toHaveLength(2);
    expect(ice.urls[0]).toMatch(/^turn:[\d.]+:\d+\?transport=udp$/);
    expect(ice.urls[1]).toBe(`turn:127.0.0.1:${serverPort}?transport=tcp`);
    const [expiry, uid] = ice.username.split(':');
    expect(uid).toBe('alice');
    expect(Number(expiry) - before).toBeGreaterThanOrEqual(119);
    expect(Number(expiry) - before).toBeLessThanOrEqual(121);
  });

  it('coturn relays with that credential, over UDP and over TCP through the server’s port, to the media server only', async () => {
    const { result } = await join('bob', 'turn-b');
    const [ice] = result.iceServers;
    const janus = server.media?.process?.mediaAddress as string;
    for (const [url, transport] of [[ice.urls[0], 'udp'], [ice.urls[1], 'tcp']] as const) {
      const client = await TurnClient.connect({ ...addressOf(url), transport });
      try {
        const allocation = await client.allocate({ username: ice.username, password: ice.credential });
        expect(allocation.ok, `${transport}: ${JSON.stringify(allocation)}`).toBe(true);
        expect((await client.createPermission(janus)).ok).toBe(true);
        const elsewhere = await client.createPermission('192.0.2.1');
        expect(elsewhere.ok ? 0 : elsewhere.code).toBe(403);
      } finally {
        client.close();
      }
    }
  });

  it('coturn refuses a credential another secret signed, or whose expiry was moved (expired ones: coturn-process.int.test.ts)', async () => {
    const { result } = await join('carol', 'turn-c');
    const target = addressOf(result.iceServers[0].urls[1]);
    const own = result.iceServers[0];
    const refused = async (username: string, password: string) => {
      const client = await TurnClient.connect({ ...target, transport: 'tcp' });
      try {
        const allocation = await client.allocate({ username, password });
        return allocation.ok ? 0 : allocation.code;
      } finally {
        client.close();
      }
    };
    const foreign = new TurnCredentials({ secret: 'another-secret-0123456789', lifetimeSeconds: 600 }).issue('carol');
    expect(await refused(foreign.username, foreign.credential)).toBe(401);
    // A credential whose expiry was moved on by the holder no longer matches its HMAC.
    const [expiry] = own.username.split(':');
    expect(await refused(`${Number(expiry) + 3600}:carol`, own.credential)).toBe(401);
  });

  it('gives a fresh credential on resume', async () => {
    const { client, result } = await join('dave', 'turn-d');
    client.ws.terminate();
    await new Promise((r) => setTimeout(r, 1_100));
    const again = await TestSignalingClient.open(server.url);
    clients.push(again);
    const res = await again.request('resume', { resumeToken: result.resumeToken });
    expect(res.ok).toBe(true);
    expect(res.result.iceServers[0].username).not.toBe(result.iceServers[0].username);
    expect(res.result.iceServers[0].username).toMatch(/^\d+:dave$/);
  });
});
