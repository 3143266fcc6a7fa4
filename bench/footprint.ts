/**
 * Footprint: resident memory (RSS, from /proc) of the embedded stack as
 * production runs it — the built server (`node packages/server/dist/main.js`,
 * no npm or tsx wrapper) and the Janus it spawns — idle, then with 10
 * signaling-only participants in 5 calls. Run with `npm run bench:footprint`
 * (it builds first); writes the "Footprint" section of docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '@parley/server/testing/server-process';
import { TestSignalingClient } from '@parley/server/testing/signaling-client';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const GOAL_MB = 200;
const SETTLE_MS = 10_000;

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
const dataDir = mkdtempSync(join(tmpdir(), 'parley-footprint-'));
const server = await startServerProcess({ HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, { builtMain: 'packages/server/dist/main.js', cwd: ROOT });
const sockets: TestSignalingClient[] = [];
try {
  const health = (await (await fetch(`${server.url}/healthz`)).json()) as { media: string };
  const janusPid = Number(/pid (\d+)/.exec(health.media)?.[1]);
  if (!server.proc.pid || !janusPid || !existsSync(`/proc/${janusPid}`)) throw new Error(`no embedded Janus: ${health.media}`);
  const measure = () => ({ server: rssMb(server.proc.pid as number), janus: rssMb(janusPid) });

  await pause(SETTLE_MS);
  const idle = measure();

  const post = (path: string, body: unknown, auth?: string) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) }).then((r) => r.json());
  for (let i = 0; i < 10; i++) {
    const sessionId = `footprint-${i % 5}`;
    const { authToken } = await post('/v1/dev/login', { uid: `user-${i}`, name: `User ${i}` });
    const { token } = await post('/v1/calls/tokens', { sessionId }, authToken);
    const socket = await TestSignalingClient.open(server.url);
    sockets.push(socket);
    const joined = await socket.request('join', { token, sessionId });
    if (!joined.ok) throw new Error(`join refused: ${JSON.stringify(joined.error)}`);
  }
  await pause(SETTLE_MS);
  const busy = measure();

  const row = (what: string, m: { server: number; janus: number }) =>
    `| ${what} | ${m.server.toFixed(0)} | ${m.janus.toFixed(0)} | **${(m.server + m.janus).toFixed(0)}** | ${m.server + m.janus <= GOAL_MB ? 'met' : 'NOT met'} |`;
  const section = `## Footprint

Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:footprint\` (\`bench/footprint.ts\`), Node ${process.version}:
resident memory (VmRSS) of \`node packages/server/dist/main.js\` with embedded defaults (PGlite, a spawned Janus),
${SETTLE_MS / 1000} s after start, and ${SETTLE_MS / 1000} s after 10 signaling-only participants joined 5 calls. Goal: ≤ ${GOAL_MB} MB together.

| state | server MB | Janus MB | total MB | goal |
| --- | ---: | ---: | ---: | --- |
${row('idle', idle)}
${row('10 participants in 5 calls (signaling only)', busy)}
`;
  console.log(section);
  const START = '<!-- footprint:start -->';
  const END = '<!-- footprint:end -->';
  const block = `${START}\n${section}${END}`;
  let doc = readFileSync(DOC, 'utf8');
  if (doc.includes(START) && doc.includes(END)) doc = doc.slice(0, doc.indexOf(START)) + block + doc.slice(doc.indexOf(END) + END.length);
  else doc = `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, doc);
} finally {
  for (const socket of sockets) socket.close();
  await server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
