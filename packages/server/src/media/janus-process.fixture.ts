/**
 * Test fixture, not part of the server: starts a JanusProcess, prints the
 * Janus pid as JSON, then idles until killed. The process test SIGKILLs this
 * script and checks that the kernel took Janus down with it.
 */
import { JanusProcess } from './janus-process.ts';

const janus = new JanusProcess();
await janus.start();
process.stdout.write(`${JSON.stringify({ pid: janus.pid })}\n`);
setInterval(() => {}, 60_000);
