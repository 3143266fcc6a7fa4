/**
 * The media plane with external Janus nodes (JANUS_URLS): the server spawns
 * nothing and makes its rooms on the nodes it was given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.ts';
import { JanusProcess } from './janus-process.ts';

describe('a server given JANUS_URLS', () => {
  const external = new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE, adminKey: 'external-admin-key-123' });
  let server: TestServer;

  beforeAll(async () => {
    await external.start();
    server = await startTestServer({ JANUS_URLS: external.url, JANUS_ADMIN_KEY: 'external-admin-key-123' }, { media: true });
  });
  afterAll(async () => {
    await server?.close();
    await external.stop();
  });

  it('spawns no Janus of its own', () => {
    expect(server.media?.process).toBeUndefined();
    expect(server.media?.status()).toBe('1 external janus node(s)');
  });

  it('makes rooms on the external node', async () => {
    const room = await server.media!.createRoom('external-room-test');
    expect(room.id).toBeGreaterThan(0);
    expect(await room.listParticipants()).toEqual([]);
    await room.destroy();
  });

  it('reports a node that is gone as MEDIA_UNAVAILABLE', async () => {
    await expect(startTestServer({ JANUS_URLS: 'ws://127.0.0.1:1' }, { media: true })).rejects.toMatchObject({ code: 'MEDIA_UNAVAILABLE' });
  });
});
