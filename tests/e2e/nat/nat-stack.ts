/**
 * The e2e stack across the NAT testbed: one server (real Janus) listening on
 * the public side, and one Debian Chromium per home, running inside that home's
 * namespace. Each home gets a harness `Stack`, so openCallPage, startCall and
 * stats work as in every other e2e test.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '@parley/server/testing';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, type CallPage, E2E_RECONNECT_GRACE_MS, type Stack } from '../harness.ts';
import type { NatTestbed } from './testbed.ts';

export interface NatStack {
  server: TestServer;
  /** The harness stack of one home: the shared server, that home's browser. */
  home(name: string): Stack;
  close(): Promise<void>;
}

/**
 * Playwright starts "Chromium" through a script that enters the home first:
 * the browser, its renderers and its network stack all live in the home.
 */
async function launchChromiumIn(testbed: NatTestbed, home: string, origin: string, dir: string): Promise<Browser> {
  const wrapper = join(dir, `chromium-in-${home}.sh`);
  await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec ${testbed.home(home).ns} /usr/bin/chromium "$@"\n`);
  await chmod(wrapper, 0o755);
  return chromium.launch({
    executablePath: wrapper,
    headless: true,
    // Plain HTTP on a non-loopback address is not a secure context: without this, no getUserMedia.
    args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${origin}`],
  });
}

/** Starts the server on the testbed's public side, then a browser in each home. */
export async function startNatStack(testbed: NatTestbed, homes: string[], env: Record<string, string> = {}): Promise<NatStack> {
  const server = await startTestServer(
    {
      HOST: testbed.pub.address,
      PARLEY_MEDIA_INTERFACE: testbed.pub.interface,
      // Off by default on a non-loopback HOST; the pages log in with it.
      PARLEY_DEV_LOGIN: '1',
      PARLEY_RECONNECT_GRACE_MS: E2E_RECONNECT_GRACE_MS,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      ...env,
    },
    { media: true },
  );
  const dir = await mkdtemp(join(tmpdir(), 'parley-nat-'));
  const stacks = new Map<string, Stack>();
  const close = async () => {
    await Promise.all([...stacks.values()].map((s) => s.browser.close().catch(() => undefined)));
    await server.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const home of homes) {
      const browser = await launchChromiumIn(testbed, home, server.url, dir);
      stacks.set(home, { server, url: server.url, browser, close: () => browser.close() });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    server,
    home(name) {
      const stack = stacks.get(name);
      if (!stack) throw new Error(`no browser in home ${name}`);
      return stack;
    },
    close,
  };
}

export interface CandidateInfo {
  candidateType: string;
  address: string;
  port: number;
  protocol: string;
  relayProtocol?: string;
}

export interface SelectedPair {
  pc: 'publisher' | 'subscriber';
  /** The peer connection's connectionState when read. */
  connectionState: string;
  local: CandidateInfo | undefined;
  remote: CandidateInfo | undefined;
}

/** The candidate pair each of the page's peer connections is using, from getStats(). */
export function selectedPairs(call: CallPage): Promise<SelectedPair[]> {
  return call.page.evaluate(async () => {
    const { publisher, subscriber } = (window as any).session.getPeerConnections();
    const pairs: SelectedPair[] = [];
    for (const [name, pc] of [
      ['publisher', publisher],
      ['subscriber', subscriber],
    ] as ['publisher' | 'subscriber', RTCPeerConnection | null][]) {
      if (!pc) continue;
      const report = await pc.getStats();
      const all = [...report.values()] as any[];
      const transport = all.find((r) => r.type === 'transport');
      const pair = report.get(transport?.selectedCandidatePairId);
      const candidate = (id: string | undefined) => {
        const c = id ? (report.get(id) as any) : undefined;
        return c
          ? { candidateType: c.candidateType, address: c.address, port: c.port, protocol: c.protocol, relayProtocol: c.relayProtocol }
          : undefined;
      };
      pairs.push({ pc: name, connectionState: pc.connectionState, local: candidate(pair?.localCandidateId), remote: candidate(pair?.remoteCandidateId) });
    }
    return pairs;
  });
}

/** One line per pair, for the test log: `publisher connected: host udp 192.168.11.2:51234 → host udp 10.99.0.1:20012`. */
export function describePairs(uid: string, pairs: SelectedPair[]): string {
  const side = (c: CandidateInfo | undefined) =>
    c ? `${c.candidateType}${c.relayProtocol ? ` (over ${c.relayProtocol} to TURN)` : ''} ${c.protocol} ${c.address}:${c.port}` : 'none';
  return pairs.map((p) => `${uid} ${p.pc} ${p.connectionState}: ${side(p.local)} → ${side(p.remote)}`).join('\n');
}

/** How long closing the stack may take: the server cuts vanished clients' sockets after 1 s, Janus and coturn stop at once. */
const STACK_CLOSE_MS = 10_000;

/**
 * Closes the stack, then removes the testbed whatever happened to the stack, so br-nat is never
 * left behind for the next file; and fails if the close was not prompt (a client that vanished
 * behind a downed link once held the server's close for 30 s: `ws` waited for its close frame).
 */
export async function tearDownNat(stack: NatStack | undefined, testbed: NatTestbed | undefined): Promise<void> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  try {
    await Promise.race([stack?.close().then(() => (closed = true)), new Promise((resolve) => (timer = setTimeout(resolve, 3 * STACK_CLOSE_MS)))]);
  } finally {
    clearTimeout(timer);
    await testbed?.destroy();
  }
  const tookMs = Date.now() - started;
  if (!stack) return;
  if (!closed || tookMs > STACK_CLOSE_MS) throw new Error(`closing the NAT stack took ${closed ? `${tookMs} ms` : 'too long'} (at most ${STACK_CLOSE_MS} ms)`);
}
