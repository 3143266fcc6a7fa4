import type { Config } from '../config.ts';
import type { Logger } from '../util/logger.ts';
import { type Database, openPglite, openPostgres } from './database.ts';
import { LiveSessionsStore } from './live-sessions-store.ts';
import { migrate } from './migrations.ts';
import { SessionsStore } from './sessions-store.ts';
import { UsersStore } from './users-store.ts';

export type { Database } from './database.ts';
export { LiveSessionsStore, SessionsStore, UsersStore };

export interface Store {
  readonly db: Database;
  readonly users: UsersStore;
  readonly sessions: SessionsStore;
  /** What live sessions need to be rebuilt after a restart. */
  readonly live: LiveSessionsStore;
  close(): Promise<void>;
}

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite) and migrates it. */
export async function openStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>, log?: Logger): Promise<Store> {
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl, log) : await openPglite(`${config.dataDir}/pglite`);
  return storeOn(db);
}

export async function storeOn(db: Database): Promise<Store> {
  await migrate(db);
  return { db, users: new UsersStore(db), sessions: new SessionsStore(db), live: new LiveSessionsStore(db), close: () => db.close() };
}
