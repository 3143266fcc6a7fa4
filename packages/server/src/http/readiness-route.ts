/**
 * GET /readyz: whether this process should be sent new calls — its database
 * answers, a media node answers, and it is not draining (SIGTERM). 200 when
 * ready, 503 with the first reason it is not; a load balancer or orchestrator
 * polls it (liveness is /healthz).
 */
import { z } from 'zod';
import { defineRoute } from './route.ts';

const Readiness = z.object({
  ready: z.boolean(),
  /** Why not: `draining`, `database` (it did not answer) or `media` (no media node answers). */
  reason: z.enum(['draining', 'database', 'media']).optional(),
});

export interface ReadinessChecks {
  draining(): boolean;
  /** Resolves when the database answers a query. */
  database(): Promise<void>;
  mediaAnswering(): boolean;
}

export function readinessRoutes(checks: ReadinessChecks) {
  return [
    defineRoute({
      method: 'GET',
      url: '/readyz',
      operationId: 'getReadiness',
      tag: 'health',
      summary: 'Whether the server takes new calls: 200 ready; 503 with a reason (draining, database, media)',
      auth: 'none',
      response: { status: 200, schema: Readiness },
      handler: async ({ reply }) => {
        const reason = await notReadyBecause(checks);
        if (reason === undefined) return { ready: true };
        // Sent here: the route's declared status is the ready one.
        reply.code(503).send({ ready: false, reason });
        return undefined;
      },
    }),
  ];
}

async function notReadyBecause(checks: ReadinessChecks): Promise<z.infer<typeof Readiness>['reason']> {
  if (checks.draining()) return 'draining';
  try {
    await checks.database();
  } catch {
    return 'database';
  }
  return checks.mediaAnswering() ? undefined : 'media';
}
