/**
 * The local cluster (two server processes, two Janus nodes, Redis, PostgreSQL,
 * haproxy; packages/server/src/testing/local-cluster.ts) and one Chromium for
 * an e2e file: started before its tests, stopped after them with a database
 * of its own. `E2E_LOG_LEVEL` and `E2E_KEEP_LOGS=1` help when one fails.
 */
import { type LocalCluster, startLocalCluster } from '@parley/server/testing/local-cluster';
import { createTestDatabase } from '@parley/server/testing/test-store';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type CallPage, eventually, launchChromium, stats } from './harness.ts';

export interface ClusterStack {
  readonly cluster: LocalCluster;
  readonly browser: Browser;
}

/** Registers the file's beforeAll/afterAll; the fields are there once beforeAll ran. */
export function useLocalCluster(env: Record<string, string> = {}): ClusterStack {
  const stack = {} as { cluster: LocalCluster; browser: Browser };
  let dropDatabase: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    stack.cluster = await startLocalCluster({
      databaseUrl: database.url,
      env: { LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info', ...env },
      keepLogs: process.env.E2E_KEEP_LOGS === '1',
    });
    stack.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await stack.browser?.close().catch(() => undefined);
    await stack.cluster?.stop();
    await dropDatabase?.();
  });
  return stack;
}

/** Resolves once `call` receives audio and at least `streams` videos, with frames decoded. */
export const decoding = (call: CallPage, streams: number) =>
  eventually(() => stats(call), (s) => s.inboundVideoStreams >= streams && s.videoFramesDecoded > 0 && s.audioPacketsReceived > 0, 20_000, `${call.uid} decoding ${streams} video stream(s)`);

/** Frames keep coming: the decoded count (and the audio packets) rise between two reads. */
export async function framesRising(call: CallPage): Promise<void> {
  const before = await stats(call);
  await eventually(() => stats(call), (s) => s.videoFramesDecoded > before.videoFramesDecoded + 10 && s.audioPacketsReceived > before.audioPacketsReceived, 10_000, `${call.uid}'s frames rising`);
}
