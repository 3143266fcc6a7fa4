/** Discovering the server's public address through STUN (PARLEY_STUN_URL), against a real coturn. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoturnProcess } from './coturn-process.ts';
import { discoverPublicIp, parseStunUrl } from './public-address.ts';

describe('a stun: URL', () => {
  it('names a host and a port, 3478 when left out', () => {
    expect(parseStunUrl('stun:stun.example.com')).toEqual({ host: 'stun.example.com', port: 3478 });
    expect(parseStunUrl('stun:203.0.113.9:19302')).toEqual({ host: '203.0.113.9', port: 19302 });
    expect(() => parseStunUrl('turn:x')).toThrow(/stun:host/);
  });
});

describe('asking a STUN server where we come from', () => {
  let coturn: CoturnProcess;
  beforeAll(async () => {
    coturn = new CoturnProcess({ allowedPeers: ['127.0.0.1'], mediaInterface: '127.0.0.1' });
    await coturn.start();
  });
  afterAll(() => coturn?.stop());

  it('gives the address the server saw (here the loopback address we sent from)', async () => {
    expect(await discoverPublicIp(`stun:127.0.0.1:${coturn.port}`)).toBe('127.0.0.1');
  });

  it('fails when nothing answers', async () => {
    await expect(discoverPublicIp('stun:127.0.0.1:9', { timeoutMs: 300 })).rejects.toThrow();
  });
});
