/**
 * ParleyRinging beside ParleyCalls: the ringing flow needs no init of its own — it
 * rings on the server ParleyCalls.init names — and without an init it refuses, as
 * ParleyCalls does.
 */
import type { ParleyError } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../session/signaling-client.ts';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import { ParleyCalls } from './parley-calls.ts';
import { ParleyRinging } from './parley-ringing.ts';

let server: FakeSignalingServer | undefined;

afterEach(async () => {
  ParleyRinging.reset();
  ParleyCalls.reset();
  await server?.close();
  server = undefined;
});

describe('the ringing flow before ParleyCalls.init', () => {
  it('refuses with NOT_INITIALIZED, as a promise or at once', async () => {
    await expect(ParleyRinging.login('at_ann')).rejects.toMatchObject({ code: 'NOT_INITIALIZED' });
    await expect(ParleyRinging.getCallLogs({ authToken: 'at_ann' })).rejects.toMatchObject({ code: 'NOT_INITIALIZED' });
    expect(() => ParleyRinging.addCallListener('app', {})).toThrowError(expect.objectContaining({ code: 'NOT_INITIALIZED' }) as ParleyError);
    expect(ParleyRinging.getActiveCall()).toBeNull();
  });
});

describe('the ringing flow after ParleyCalls.init', () => {
  it("logs in to the user channel on init's server", async () => {
    server = await FakeSignalingServer.start();
    server.on('user.login', () => ({ result: { uid: 'ann', ringing: [] } }));
    ParleyCalls.init({ serverUrl: server.url, WebSocket: WebSocket as unknown as WebSocketConstructor, logger: { debug() {}, info() {}, warn() {}, error() {} } });

    await expect(ParleyRinging.login('at_ann')).resolves.toEqual({ uid: 'ann' });
    expect(server.received('user.login').map((r) => r.params)).toEqual([{ authToken: 'at_ann' }]);
  });
});
