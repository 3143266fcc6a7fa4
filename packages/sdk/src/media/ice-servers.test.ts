import { describe, expect, it } from 'vitest';
import { rtcConfigWith } from './ice-servers.ts';

describe('the peer connections’ configuration', () => {
  const app: RTCConfiguration = { bundlePolicy: 'max-bundle', iceTransportPolicy: 'relay', iceServers: [{ urls: 'stun:stun.example.com' }] };

  it('is the app’s when the server gives no TURN', () => {
    expect(rtcConfigWith(app, undefined)).toEqual(app);
  });

  it('adds the server’s TURN servers and credentials to the app’s, keeping its transport policy', () => {
    const turn = { urls: ['turn:calls.example.com:443?transport=tcp'], username: '1700000000:alice', credential: 'c2VjcmV0' };
    expect(rtcConfigWith(app, [turn])).toEqual({ ...app, iceServers: [{ urls: 'stun:stun.example.com' }, turn] });
  });
});
