/**
 * Calls across real networks, in the NAT testbed: two people at home, each
 * behind their own masquerading router, the server and Janus on the public
 * side. Media "works" only when getStats() shows frames decoded.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallPage, eventually, mediaReport, openCallPage, startCall, stats } from '../harness.ts';
import { describePairs, type NatStack, selectedPairs, startNatStack, tearDownNat } from './nat-stack.ts';
import { NatTestbed, natTestbedUnavailable } from './testbed.ts';

const unavailable = await natTestbedUnavailable();
if (unavailable) console.warn(`NAT call tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('calls between two homes behind NAT', () => {
  let testbed: NatTestbed;
  let stack: NatStack;
  let open: CallPage[] = [];

  beforeAll(async () => {
    testbed = await NatTestbed.create(['alice', 'bob']);
    stack = await startNatStack(testbed, ['alice', 'bob']);
  });
  afterEach(async () => {
    await Promise.all(open.map((call) => call.context.close().catch(() => undefined)));
    open = [];
    await Promise.all(['alice', 'bob'].map((home) => testbed.firewall(home, 'open')));
  });
  afterAll(async () => {
    await tearDownNat(stack, testbed);
  }, 120_000);

  /** `uid` joins from the browser in their own home. */
  async function joinFromHome(uid: 'alice' | 'bob', sessionId: string): Promise<CallPage> {
    const call = await openCallPage(stack.home(uid), uid);
    open.push(call);
    await startCall(call, sessionId);
    return call;
  }

  it('carries video and audio both ways over a direct path through both NATs, no relay', async () => {
    const started = Date.now();
    const alice = await joinFromHome('alice', 'nat-direct');
    const bob = await joinFromHome('bob', 'nat-direct');
    const firstFrames = await Promise.all(
      [alice, bob].map(async (call) => {
        const s = await eventually(() => stats(call), (v) => v.videoFramesDecoded > 0 && v.audioPacketsReceived > 0, 20_000, `${call.uid} decoding`);
        return { call, s, ms: Date.now() - started };
      }),
    );
    // Frames keep coming on both sides.
    for (const { call, s } of firstFrames) {
      await eventually(() => stats(call), (v) => v.videoFramesDecoded > s.videoFramesDecoded + 20, 10_000, `${call.uid}'s frames rising`);
    }
    console.log(`first frames, counted from alice's join: ${firstFrames.map(({ call, ms }) => `${call.uid} ${ms} ms`).join(', ')}`);

    for (const call of [alice, bob]) {
      const pairs = await selectedPairs(call);
      console.log(describePairs(call.uid, pairs));
      expect(pairs.map((p) => p.pc).sort()).toEqual(['publisher', 'subscriber']);
      for (const { local, remote } of pairs) {
        expect(local?.candidateType).not.toBe('relay');
        expect(remote?.candidateType).not.toBe('relay');
        // Straight to Janus on the public side. Janus's answers tell the browser the address
        // it was seen from, its router's: a peer-reflexive local candidate, the NAT's mapping.
        expect(remote?.address).toBe(testbed.pub.address);
        expect(local?.address).toBe(testbed.home(call.uid).publicAddress);
      }
    }
  });

  /**
   * The firewall of a corporate network: no UDP at all, TCP only to the server's own port.
   * TURN is reachable there (the server hands connections that start with a STUN header to
   * its embedded coturn), so media goes browser → TURN over TCP → relay → Janus.
   */
  it('under a strict firewall (no UDP, TCP only to the server’s port): relayed over TURN/TCP through that port, and working', async () => {
    const port = Number(new URL(stack.server.url).port);
    await testbed.firewall('alice', 'strict', [port]);
    await testbed.firewall('bob', 'strict', [port]);
    const started = Date.now();
    const alice = await joinFromHome('alice', 'nat-strict');
    const bob = await joinFromHome('bob', 'nat-strict');
    const firstFrames = await Promise.all(
      [alice, bob].map(async (call) => {
        const s = await eventually(() => stats(call), (v) => v.videoFramesDecoded > 0 && v.audioPacketsReceived > 0, 30_000, `${call.uid} decoding over TURN`);
        return { call, s, ms: Date.now() - started };
      }),
    ).catch(async (error) => {
      for (const call of [alice, bob]) console.log(await mediaReport(call, { candidates: true }));
      throw error;
    });
    for (const { call, s } of firstFrames) {
      await eventually(() => stats(call), (v) => v.videoFramesDecoded > s.videoFramesDecoded + 20, 10_000, `${call.uid}'s frames rising`);
    }
    console.log(`strict firewall, first frames over TURN/TCP from alice's join: ${firstFrames.map(({ call, ms }) => `${call.uid} ${ms} ms`).join(', ')}`);
    for (const call of [alice, bob]) {
      const pairs = await selectedPairs(call);
      console.log(describePairs(call.uid, pairs));
      expect(pairs.map((p) => p.pc).sort()).toEqual(['publisher', 'subscriber']);
      for (const { local } of pairs) {
        expect(local?.candidateType).toBe('relay');
        expect(local?.relayProtocol).toBe('tcp');
      }
    }
  });

  it("with iceTransportPolicy 'relay' on one side (UDP open): that side's media goes through a relay, and frames flow", async () => {
    const alice = await openCallPage(stack.home('alice'), 'alice');
    open.push(alice);
    await alice.page.evaluate(() => (window as any).Parley.ParleyCalls.init({ serverUrl: location.origin, iceTransportPolicy: 'relay' }));
    await startCall(alice, 'nat-relay');
    const bob = await joinFromHome('bob', 'nat-relay');
    for (const call of [alice, bob]) {
      const s = await eventually(() => stats(call), (v) => v.videoFramesDecoded > 0, 30_000, `${call.uid} decoding`);
      await eventually(() => stats(call), (v) => v.videoFramesDecoded > s.videoFramesDecoded + 20, 10_000, `${call.uid}'s frames rising`);
    }
    const alicePairs = await selectedPairs(alice);
    const bobPairs = await selectedPairs(bob);
    console.log(describePairs('alice', alicePairs));
    console.log(describePairs('bob', bobPairs));
    for (const { local } of alicePairs) expect(local?.candidateType).toBe('relay');
    for (const { local } of bobPairs) expect(local?.candidateType).not.toBe('relay');
  });
});
