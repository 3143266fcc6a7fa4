/**
 * The local cluster behind `npm run cluster` (scripts/cluster.sh gives it
 * DATABASE_URL): Redis, two Janus nodes, two server processes and haproxy in
 * front (packages/server/src/testing/local-cluster.ts). Any process takes any
 * client (docs/operations.md, "A local cluster"). Prints the URL; stops
 * everything on SIGINT/SIGTERM. Logs go to files in the cluster's temp dir.
 */
import { type LocalCluster, startLocalCluster } from '../packages/server/src/testing/local-cluster.ts';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('local-cluster: DATABASE_URL is not set (run it through `npm run cluster`)');

let cluster: LocalCluster | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.log(`\n${signal}: stopping the cluster`);
    void (cluster?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  });
}

try {
  cluster = await startLocalCluster({ databaseUrl, port: Number(process.env.PORT ?? 8080) });
  console.log(`
Parley cluster: ${cluster.servers.length} server processes, 2 Janus nodes, Redis, PostgreSQL, haproxy
  open        ${cluster.url.replace('127.0.0.1', 'localhost')}
  API key     ${cluster.apiKey}
  processes   ${cluster.servers.map((s) => s.url).join('  ')}
  Janus       ${cluster.janusUrls.join(',')}
  Redis       ${cluster.redis.url}
  logs        ${cluster.dir}/server-*.log
Ctrl-C stops everything.`);
} catch (error) {
  console.error('cluster: could not start:', error);
  process.exit(1);
}
