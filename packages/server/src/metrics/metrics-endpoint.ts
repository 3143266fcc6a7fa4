/**
 * Where Prometheus scrapes: `/metrics` on a port of its own
 * (`PARLEY_METRICS_PORT`, loopback unless `PARLEY_METRICS_HOST` says
 * otherwise, no credentials — keep that port private), or on the main port
 * behind `PARLEY_METRICS_TOKEN` as a Bearer token.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ParleyError } from '@parley/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { sha256 } from '../secrets.ts';
import type { ParleyMetrics } from './parley-metrics.ts';

/** `GET /metrics` on the main port; answers FORBIDDEN without the token. */
export function metricsRoute(metrics: ParleyMetrics, token: string): FastifyPluginAsync {
  const expected = sha256(token);
  return async (app) => {
    app.get('/metrics', async (request, reply) => {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
      // Hashes have equal length, so the comparison takes the same time for any wrong token.
      if (given === undefined || !timingSafeEqual(sha256(given), expected)) throw new ParleyError('FORBIDDEN', 'The metrics token is missing or wrong');
      const { contentType, text } = await metrics.scrape();
      return reply.type(contentType).send(text);
    });
  };
}

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** A plain HTTP server with `/metrics` only. */
export async function startMetricsServer(metrics: ParleyMetrics, port: number, host: string): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: scrape /metrics\n');
      return;
    }
    metrics.scrape().then(
      ({ contentType, text }) => response.writeHead(200, { 'content-type': contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok());
  });
  const address = server.address() as AddressInfo;
  const shown = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
