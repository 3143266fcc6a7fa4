/**
 * Test fixture, not part of the server: starts a CoturnProcess, prints the
 * coturn pid as JSON, then idles until killed. The process test SIGKILLs this
 * script and checks that the kernel took coturn down with it.
 */
import { CoturnProcess } from './coturn-process.ts';

// DATA_DIR from the test, which removes it: a SIGKILLed fixture cleans up nothing itself.
const coturn = new CoturnProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE, allowedPeers: ['127.0.0.1'], dataDir: process.env.DATA_DIR });
await coturn.start();
process.stdout.write(`${JSON.stringify({ pid: coturn.pid })}\n`);
setInterval(() => {}, 60_000);
