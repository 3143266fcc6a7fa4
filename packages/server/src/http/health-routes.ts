/** GET /healthz: the process answers, how long it has run, and the media plane's state. */
import { z } from 'zod';
import { defineRoute } from './route.ts';

const Health = z.object({
  status: z.literal('ok'),
  uptimeSeconds: z.number().int().nonnegative(),
  /** The media plane's state as the media backend reports it, or `none` without one. */
  media: z.string(),
});

export function healthRoutes(mediaStatus: (() => string) | undefined) {
  const started = Date.now();
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      operationId: 'getHealth',
      tag: 'health',
      summary: 'The server is up: its uptime and the media plane',
      auth: 'none',
      response: { status: 200, schema: Health },
      handler: async () => ({ status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000), media: mediaStatus?.() ?? 'none' }),
    }),
  ];
}
