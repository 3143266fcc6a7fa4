/**
 * The part of the configuration that is about running several server
 * processes (issue 17): `REDIS_URL` turns clustering on. config.ts merges
 * these variables into its schema and keeps the result as `Config.cluster`;
 * without `REDIS_URL` it is undefined and the server is one process, as always.
 */
import { z } from 'zod';

export const CLUSTER_ENV = {
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'a redis:// or rediss:// URL').optional(),
};

/** Never repeated in a configuration error: a Redis URL may carry a password. */
export const CLUSTER_SECRET_VARIABLES = ['REDIS_URL'] as const;

export interface ClusterConfig {
  /** The Redis every process of the cluster shares: session leases, the bus between processes. */
  readonly redisUrl: string;
}

interface ClusterEnv {
  REDIS_URL?: string | undefined;
  DATABASE_URL?: string | undefined;
}

/** The cluster settings, or undefined for one process; a cluster without PostgreSQL is refused. */
export function clusterConfig(e: ClusterEnv, ctx: z.RefinementCtx): ClusterConfig | undefined {
  if (e.REDIS_URL === undefined) return undefined;
  if (e.DATABASE_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_URL'],
      message:
        'a postgres:// URL, because REDIS_URL is set: the processes of a cluster share one PostgreSQL, and PGlite (the default without DATABASE_URL) is the database of one process only',
    });
  }
  return Object.freeze({ redisUrl: e.REDIS_URL });
}
