/**
 * The one writer and reader of `quality_samples`: the call-quality samples
 * each participant's SDK sent (quality-service.ts writes, the quality route
 * reads), and the retention purge (quality-retention.ts).
 */
import type { ConnectionSample, NetworkQuality } from '@parley/protocol';
import type { Database } from '../store/database.ts';
import { dateOrNull } from '../store/row-values.ts';

export interface QualitySampleRow {
  uid: string;
  receivedAt: Date;
  quality: NetworkQuality;
  intervalMs: number;
  connections: ConnectionSample[];
}

export class QualityStore {
  constructor(private readonly db: Pick<Database, 'query'>) {}

  async add(sessionId: string, uid: string, sample: Omit<QualitySampleRow, 'uid'>): Promise<void> {
    await this.db.query(
      'insert into quality_samples (session_id, uid, received_at, quality, interval_ms, connections) values ($1, $2, $3, $4, $5, $6::jsonb)',
      [sessionId, uid, sample.receivedAt, sample.quality, sample.intervalMs, JSON.stringify(sample.connections)],
    );
  }

  /** Every sample of a session, per participant in the order received. */
  async ofSession(sessionId: string): Promise<QualitySampleRow[]> {
    const rows = await this.db.query('select * from quality_samples where session_id = $1 order by uid, received_at, id', [sessionId]);
    return rows.map((r) => ({
      uid: String(r.uid),
      receivedAt: dateOrNull(r.received_at) as Date,
      quality: Number(r.quality) as NetworkQuality,
      intervalMs: Number(r.interval_ms),
      // PGlite and pg both parse jsonb; the cast is what we wrote.
      connections: (typeof r.connections === 'string' ? JSON.parse(r.connections) : r.connections) as ConnectionSample[],
    }));
  }

  /** Deletes samples received before `cutoff`; resolves with how many. */
  async purgeBefore(cutoff: Date): Promise<number> {
    const rows = await this.db.query('delete from quality_samples where received_at < $1 returning 1', [cutoff]);
    return rows.length;
  }
}
