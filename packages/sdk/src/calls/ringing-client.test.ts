/**
 * The SDK's ringing client against a scripted server: guards, the active call,
 * and which listener hears which server event.
 */
import type { Call } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../session/signaling-client.ts';
import { FakeSignalingServer } from '../testing/fake-signaling-server.ts';
import type { CallListenerEvents } from './call-listener.ts';
import { RingingClient } from './ringing-client.ts';

const call = (status: Call['status'], sessionId = 'call_1'): Call => ({
  sessionId,
  type: 'audio',
  kind: 'direct',
  status,
  initiator: { uid: 'ann', name: 'Ann', avatar: null },
  receiver: { uid: 'bob', name: 'Bob', avatar: null },
  initiatedAt: 1,
  acceptedAt: null,
  endedAt: null,
});

let server: FakeSignalingServer;
let client: RingingClient;
let heard: { event: string; status: string | undefined }[];

const settle = () => new Promise((r) => setTimeout(r, 50));

beforeEach(async () => {
  server = await FakeSignalingServer.start();
  server.on('user.login', () => ({ result: { uid: 'ann', ringing: [] } }));
  client = new RingingClient({ serverUrl: server.url, WebSocket: WebSocket as unknown as WebSocketConstructor });
  heard = [];
  const names: (keyof CallListenerEvents)[] = [
    'onIncomingCallReceived',
    'onOutgoingCallAccepted',
    'onOutgoingCallRejected',
    'onIncomingCallCancelled',
    'onCallEndedMessageReceived',
  ];
  client.addCallListener('t', Object.fromEntries(names.map((n) => [n, (c: Call) => heard.push({ event: n, status: c.status })])));
});

afterEach(async () => {
  client.logout();
  await server.close();
});

describe('before login', () => {
  it('refuses call requests with NOT_LOGGED_IN and bad arguments with VALIDATION_FAILED', async () => {
    await expect(client.initiateCall({ receiverUid: 'bob', type: 'audio' })).rejects.toMatchObject({ code: 'NOT_LOGGED_IN' });
    await expect(client.initiateCall({ receiverUid: '' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.initiateCall({ receiverUid: 'bob', type: 'fax' as never })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.acceptCall('')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.login('')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(server.connections).toBe(0);
  });
});

describe('a placed call', () => {
  it('becomes the active call, hears the answer, and ends with the seed sequence', async () => {
    await client.login('at_ann');
    server.on('call.initiate', () => ({ result: { call: call('initiated') } }));
    expect((await client.initiateCall({ receiverUid: 'bob', type: 'audio' })).status).toBe('initiated');
    expect(client.getActiveCall()?.status).toBe('initiated');
    await expect(client.initiateCall({ receiverUid: 'cy' })).rejects.toMatchObject({ code: 'INVALID_STATE' });

    server.push('call.accepted', { call: call('ongoing') });
    await settle();
    expect(heard).toEqual([{ event: 'onOutgoingCallAccepted', status: 'ongoing' }]);
    expect(client.getActiveCall()?.status).toBe('ongoing');

    server.on('call.end', () => ({ result: { call: call('ended') } }));
    expect((await client.endCall()).status).toBe('ended');
    expect(server.received('call.end')[0]?.params).toEqual({ sessionId: 'call_1' });
    expect(client.getActiveCall()?.status).toBe('ended');
    client.clearActiveCall();
    expect(client.getActiveCall()).toBeNull();
  });

  it('is not active when busy, and a rejection clears it', async () => {
    await client.login('at_ann');
    server.on('call.initiate', () => ({ result: { call: call('busy') } }));
    expect((await client.initiateCall({ receiverUid: 'bob' })).status).toBe('busy');
    expect(client.getActiveCall()).toBeNull();

    server.on('call.initiate', () => ({ result: { call: call('initiated', 'call_2') } }));
    await client.initiateCall({ receiverUid: 'bob' });
    server.push('call.rejected', { call: call('unanswered', 'call_2') });
    await settle();
    expect(heard.at(-1)).toEqual({ event: 'onOutgoingCallRejected', status: 'unanswered' });
    expect(client.getActiveCall()).toBeNull();
  });
});

describe('an incoming call', () => {
  it('reports calls ringing at login and later ones; a throwing listener does not stop the others', async () => {
    server.on('user.login', () => ({ result: { uid: 'bob', ringing: [call('initiated', 'early')] } }));
    client.addCallListener('bad', {
      onIncomingCallReceived: () => {
        throw new Error('app bug');
      },
    });
    await client.login('at_bob');
    server.push('call.incoming', { call: call('initiated', 'late') });
    await settle();
    expect(heard.filter((h) => h.event === 'onIncomingCallReceived')).toHaveLength(2);
    expect(client.incomingCalls.map((c) => c.sessionId)).toEqual(['early', 'late']);
    server.push('call.cancelled', { call: call('cancelled', 'early') });
    server.push('call.ended', { call: call('ended', 'late'), by: 'ann' });
    await settle();
    expect(heard.slice(-2)).toEqual([
      { event: 'onIncomingCallCancelled', status: 'cancelled' },
      { event: 'onCallEndedMessageReceived', status: 'ended' },
    ]);
    client.removeCallListener('t');
    server.push('call.incoming', { call: call('initiated', 'after') });
    await settle();
    expect(heard).toHaveLength(4);
  });
});
