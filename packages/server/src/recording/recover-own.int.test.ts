/**
 * A cluster's start finishes only its own recordings (RecordingService.recoverOwn):
 * another live process's recording in the same database goes on, and so does
 * its job; the recordings of the sessions this start closed are cut short.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { DomainEvents } from '../sessions/domain-events.ts';
import type { Store } from '../store/index.ts';
import { createTestStore } from '../testing/test-store.ts';
import { RecordingService } from './recording-service.ts';
import { RecordingsStore } from './recordings-store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups.length = 0;
});

it("finishes the recordings of the sessions it closed and its own jobs, and leaves another live process's recording and job alone", async () => {
  const store: Store = await createTestStore();
  cleanups.push(() => store.close());
  const dir = mkdtempSync(join(tmpdir(), 'parley-recover-own-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const rows = new RecordingsStore(store.db);
  const service = new RecordingService({ store: rows, dataDir: join(dir, 'here'), concurrency: 1, log: pino({ level: 'silent' }), events: new DomainEvents(() => undefined) });
  cleanups.push(() => service.close());
  const elsewhere = join(dir, 'other-process', 'raw');
  const recording = async (id: string, sessionId: string, rawDir: string) => {
    mkdirSync(rawDir, { recursive: true });
    await rows.create({ id, sessionId, startedBy: { uid: 'ann', name: 'Ann' }, startedAt: new Date(), rawDir });
  };
  await recording('00000000-0000-4000-8000-000000000001', 'closed-here', service.newTarget().dir);
  await recording('00000000-0000-4000-8000-000000000002', 'live-elsewhere', join(elsewhere, 'a'));
  await recording('00000000-0000-4000-8000-000000000003', 'ended-elsewhere', join(elsewhere, 'b'));
  await rows.stopped('00000000-0000-4000-8000-000000000003', new Date());
  // A job this process was running when it was killed, in its own folder (its raw files gone here).
  await recording('00000000-0000-4000-8000-000000000004', 'ended-here', service.newTarget().dir);
  await rows.stopped('00000000-0000-4000-8000-000000000004', new Date());

  const finished = await service.recoverOwn(['closed-here']);

  expect(finished).toEqual({ resumed: [], failed: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000004'] });
  expect((await rows.get('00000000-0000-4000-8000-000000000002'))?.status).toBe('recording');
  expect((await rows.get('00000000-0000-4000-8000-000000000003'))?.status).toBe('processing');
});
