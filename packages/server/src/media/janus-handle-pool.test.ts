import { ParleyError } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { until } from '../testing/until.ts';
import { noopLogger } from '../util/logger.ts';
import { JanusHandle } from './janus-handle.ts';
import { type HandleSource, JanusHandlePool } from './janus-handle-pool.ts';
import type { JanusMessage } from './janus-types.ts';

const VIDEOROOM = 'janus.plugin.videoroom';

/** A Janus session stand-in: each attach gives the next handle id; it can die like a Janus killed under it. */
class FakeSession implements HandleSource {
  isAlive = true;
  attaches = 0;
  detached: number[] = [];
  readonly handles: JanusHandle[] = [];
  readonly id = 1;
  readonly client = {
    url: 'ws://fake-janus',
    request: async (msg: Record<string, unknown>): Promise<JanusMessage> => {
      if (msg.janus === 'detach') this.detached.push(msg.handle_id as number);
      return { janus: 'success' };
    },
  };

  async attach(plugin: string): Promise<JanusHandle> {
    if (!this.isAlive) throw new ParleyError('MEDIA_UNAVAILABLE', 'Janus connection is closed (attach)');
    const handle = new JanusHandle(this, 100 + ++this.attaches, plugin, noopLogger);
    this.handles.push(handle);
    return handle;
  }

  /** What JanusSession does when its socket closes: every handle is gone. */
  die(): void {
    this.isAlive = false;
    for (const h of this.handles) h.markDetached();
  }
}

const ids = (pool: JanusHandlePool) => pool.ready.map((h) => h.id);

describe('JanusHandlePool', () => {
  it('attaches its handles ahead, hands out a prepared one, and refills after it', async () => {
    const session = new FakeSession();
    const pool = new JanusHandlePool(session, VIDEOROOM, 2, noopLogger);
    await until(() => pool.ready.length === 2, 'the pool filled');
    expect(ids(pool)).toEqual([101, 102]);

    const taken = await pool.take();
    expect(taken.id).toBe(101);
    expect(taken.plugin).toBe(VIDEOROOM);
    expect(session.attaches).toBe(2); // nothing attached while the taker used it
    await until(() => pool.ready.length === 2, 'the pool refilled');
    expect(ids(pool)).toEqual([102, 103]);
  });

  it('attaches on the spot when nothing is prepared yet', async () => {
    const session = new FakeSession();
    const pool = new JanusHandlePool(session, VIDEOROOM, 1, noopLogger);
    const [first, second] = await Promise.all([pool.take(), pool.take()]);
    // 101 was being attached ahead: it stays ready for the next taker.
    expect([first?.id, second?.id]).toEqual([102, 103]);
    await until(() => pool.ready.length === 1, 'the pool filled');
    expect(ids(pool)).toEqual([101]);
  });

  it('never hands out a handle whose Janus went away, and attaches nothing more on a dead session', async () => {
    const session = new FakeSession();
    const pool = new JanusHandlePool(session, VIDEOROOM, 2, noopLogger);
    await until(() => pool.ready.length === 2, 'the pool filled');

    session.die(); // Janus killed: the session marks every handle detached
    expect(pool.ready).toEqual([]);
    const err = await pool.take().catch((e: unknown) => e);
    expect((err as ParleyError).code).toBe('MEDIA_UNAVAILABLE');
    await new Promise((r) => setImmediate(r));
    expect(session.attaches).toBe(2);
  });

  it('detaches the handles nobody took when closed, and a handle attached after that too', async () => {
    const session = new FakeSession();
    const pool = new JanusHandlePool(session, VIDEOROOM, 2, noopLogger);
    await until(() => pool.ready.length === 2, 'the pool filled');
    const taken = await pool.take();
    await pool.close();
    expect(session.detached.sort()).toEqual([102]);
    expect(taken.isDetached).toBe(false); // the taker's own to close

    const late = new JanusHandlePool(session, VIDEOROOM, 1, noopLogger); // its attach is under way …
    await late.close(); // … when it is closed
    await until(() => session.detached.length === 2, 'the late handle detached');
    expect(late.ready).toEqual([]);
  });
});
