/**
 * Footprint: resident memory (RSS, from /proc) of the embedded stack as
 * production runs it — the built server (`node packages/server/dist/main.js`,
 * no npm or tsx wrapper) and every process it spawns (Janus, coturn: TURN is
 * embedded here) — idle, then with 10 signaling-only participants in 5 calls.
 * Run with `npm run bench:footprint` (it builds the server first); writes the
 * "Footprint" section of docs/benchmarks.md: the figures, then what
 * bench/footprint-findings.md says about how they were reached.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServerProcess } from '@parley/server/testing/server-process';
import { TestSignalingClient } from '@parley/server/testing/signaling-client';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const FINDINGS = join(ROOT, 'bench', 'footprint-findings.md');
const GOAL_MB = 200;
/**
 * How long each state is left before it is measured: V8's memory reducer shrinks the heap
 * start-up left behind 15–20 s after start (an idle server: 130–165 MB at 10 s, 131–133 MB from 20 s on).
 */
const SETTLE_MS = 30_000;

const readProc = (pid: number, file: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined; // gone meanwhile
  }
};
const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readProc(pid, 'status') ?? '')?.[1] ?? 0) / 1024;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `root` and all its descendants, from each process's parent in /proc/<pid>/stat. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    const stat = Number.isInteger(pid) ? readProc(pid, 'stat') : undefined;
    // The command name is in parentheses and may hold spaces: the parent pid is the 2nd field after it.
    const ppid = Number(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (stat && ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

interface Footprint {
  server: number;
  janus: number;
  coturn: number;
  other: number;
}

/** RSS of the server's process tree, by program. */
function measure(serverPid: number): Footprint {
  const m: Footprint = { server: rssMb(serverPid), janus: 0, coturn: 0, other: 0 };
  for (const pid of processTree(serverPid).slice(1)) {
    const comm = readProc(pid, 'comm')?.trim();
    const key = comm === 'janus' ? 'janus' : comm === 'turnserver' ? 'coturn' : 'other';
    m[key] += rssMb(pid);
  }
  return m;
}
const total = (m: Footprint) => m.server + m.janus + m.coturn + m.other;

execFileSync(process.execPath, ['packages/server/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const dataDir = mkdtempSync(join(tmpdir(), 'parley-footprint-'));
const server = await startServerProcess(
  { HOST: '127.0.0.1', PARLEY_TURN: 'embedded', DATA_DIR: dataDir, LOG_LEVEL: 'warn', LOG_FORMAT: 'json' },
  { builtMain: 'packages/server/dist/main.js', cwd: ROOT },
);
const sockets: TestSignalingClient[] = [];
try {
  const serverPid = server.proc.pid as number;
  const started = measure(serverPid);
  if (!started.janus || !started.coturn) throw new Error(`the embedded Janus and coturn are not both running: ${JSON.stringify(started)}`);

  await pause(SETTLE_MS);
  const idle = measure(serverPid);

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
  const busy = measure(serverPid);
  const peakServer = Number(/VmHWM:\s+(\d+) kB/.exec(readProc(serverPid, 'status') ?? '')?.[1] ?? 0) / 1024;

  const mb = (n: number) => n.toFixed(0);
  const row = (what: string, m: Footprint) =>
    `| ${what} | ${mb(m.server)} | ${mb(m.janus)} | ${mb(m.coturn)} | ${mb(m.other)} | **${mb(total(m))}** | ${total(m) <= GOAL_MB ? 'met' : 'NOT met'} |`;
  const section = `## Footprint

Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:footprint\` (\`bench/footprint.ts\`), Node ${process.version}:
resident memory (VmRSS) of \`node packages/server/dist/main.js\` with embedded defaults (PGlite in a new data directory,
a spawned Janus, a spawned coturn: \`PARLEY_TURN=embedded\`) and of every process it spawned,
${SETTLE_MS / 1000} s after start, and ${SETTLE_MS / 1000} s after 10 signaling-only participants joined 5 calls. Goal: ≤ ${GOAL_MB} MB together.

| state | server MB | Janus MB | coturn MB | other MB | total MB | goal |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
${row('idle', idle)}
${row('10 participants in 5 calls (signaling only)', busy)}

The server's peak (VmHWM) over the run: ${mb(peakServer)} MB, at start-up, before V8 gives back what start-up left on its heap.

${readFileSync(FINDINGS, 'utf8').trim()}
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
