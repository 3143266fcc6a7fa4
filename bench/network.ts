/**
 * `npm run bench:network` (root, inside the in-netns namespace): in the NAT
 * testbed (tests/e2e/nat), two people at home behind their own NATs.
 *
 * 1. Link restore → first frame after an ICE restart: bob's uplink goes down
 *    for 5 s and comes back, RUNS times in one call; the time from the link's
 *    return until both sides decode new frames (the slower of the two).
 * 2. Time to first frame, direct UDP vs TURN/TCP: a fresh call, RUNS times
 *    each with both homes' firewalls open (direct UDP to Janus) and strict
 *    (no UDP, TCP only to the server's port: TURN over TCP through it), from
 *    bob's startSession to the first decoded frame at both.
 * Prints p50/min/max of each, to paste into docs/benchmarks.md.
 */
import { openCallPage, startCall, stats, type CallPage } from '../tests/e2e/harness.ts';
import { selectedPairs, startNatStack, tearDownNat } from '../tests/e2e/nat/nat-stack.ts';
import { NatTestbed, natTestbedUnavailable } from '../tests/e2e/nat/testbed.ts';

const RUNS = Number(process.env.RUNS ?? 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function framesRise(call: CallPage, base: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await stats(call)).videoFramesDecoded < base + 1) {
    if (Date.now() > until) throw new Error(`${call.uid}: no frames within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function summary(name: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const p50 = sorted[Math.floor((sorted.length - 1) / 2)];
  return `${name}: p50 ${p50} ms, min ${sorted[0]} ms, max ${sorted.at(-1)} ms (n=${values.length}: ${values.join(', ')})`;
}

async function main(): Promise<void> {
  const unavailable = await natTestbedUnavailable();
  if (unavailable) throw new Error(`the NAT testbed cannot run here: ${unavailable}`);
  const testbed = await NatTestbed.create(['alice', 'bob']);
  const stack = await startNatStack(testbed, ['alice', 'bob'], { PARLEY_RECONNECT_GRACE_MS: '20000', LOG_LEVEL: 'error' });
  const port = Number(new URL(stack.server.url).port);
  const pages: CallPage[] = [];
  const call = async (sessionId: string) => {
    const alice = await openCallPage(stack.home('alice'), 'alice');
    const bob = await openCallPage(stack.home('bob'), 'bob');
    pages.push(alice, bob);
    await startCall(alice, sessionId);
    const started = Date.now();
    await startCall(bob, sessionId);
    await Promise.all([framesRise(alice, 0), framesRise(bob, 0)]);
    return { alice, bob, firstFrameMs: Date.now() - started };
  };
  const hangUp = async () => {
    await Promise.all(pages.splice(0).map((p) => p.context.close().catch(() => undefined)));
  };
  try {
    const restores: number[] = [];
    const { alice, bob } = await call('bench-restore');
    for (let i = 0; i < RUNS; i++) {
      await sleep(2_000);
      await testbed.linkDown('bob');
      await sleep(5_000);
      const [a, b] = await Promise.all([stats(alice), stats(bob)]);
      const back = Date.now();
      await testbed.linkUp('bob');
      await Promise.all([framesRise(alice, a.videoFramesDecoded), framesRise(bob, b.videoFramesDecoded)]);
      restores.push(Date.now() - back);
      console.log(`restore run ${i + 1}: ${restores.at(-1)} ms`);
    }
    await hangUp();

    const direct: number[] = [];
    const relayed: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [mode, into] of [['open', direct], ['strict', relayed]] as const) {
        await Promise.all(['alice', 'bob'].map((h) => testbed.firewall(h, mode, [port])));
        const { bob, firstFrameMs } = await call(`bench-ttff-${mode}-${i}`);
        const local = (await selectedPairs(bob))[0]?.local;
        if ((mode === 'strict') !== (local?.candidateType === 'relay')) throw new Error(`${mode}: unexpected pair ${JSON.stringify(local)}`);
        into.push(firstFrameMs);
        console.log(`first frame run ${i + 1}, ${mode}: ${firstFrameMs} ms (${local?.candidateType} ${local?.relayProtocol ?? local?.protocol})`);
        await hangUp();
      }
    }
    await Promise.all(['alice', 'bob'].map((h) => testbed.firewall(h, 'open')));
    console.log(`\n${summary('link restore → frames both ways after ICE restart (5 s outage)', restores)}`);
    console.log(summary('time to first frame, direct UDP', direct));
    console.log(summary('time to first frame, TURN/TCP through the server port (strict firewall)', relayed));
  } finally {
    await hangUp();
    await tearDownNat(stack, testbed);
  }
}

await main();
