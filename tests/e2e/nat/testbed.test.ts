/**
 * The NAT testbed itself, without browsers: what a home looks like from the
 * public side, and what the link, address and firewall controls do to it.
 * Each check runs a small Node program inside a home.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatTestbed, natTestbedUnavailable } from './testbed.ts';

const unavailable = await natTestbedUnavailable();
if (unavailable) console.warn(`NAT testbed tests skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('the NAT testbed', () => {
  let testbed: NatTestbed;
  let http: Server;
  let httpPort: number;
  let udp: Socket;
  let udpPort: number;
  const udpSenders: string[] = [];

  beforeAll(async () => {
    testbed = await NatTestbed.create(['alice', 'bob']);
    // A public server that answers with the address it saw the request come from.
    http = createServer((req, res) => res.end(req.socket.remoteAddress));
    await new Promise<void>((resolve) => http.listen(0, testbed.pub.address, resolve));
    httpPort = (http.address() as { port: number }).port;
    udp = createSocket('udp4');
    udp.on('message', (_data, from) => udpSenders.push(from.address));
    await new Promise<void>((resolve) => udp.bind(0, testbed.pub.address, resolve));
    udpPort = udp.address().port;
  });
  afterAll(async () => {
    http?.close();
    udp?.close();
    await testbed?.destroy();
  });

  /** GET / from inside a home: the address the server saw, or `unreachable` (its connect may still hang: exit). */
  async function seenFrom(home: string): Promise<string> {
    const url = `http://${testbed.pub.address}:${httpPort}/`;
    const program = `fetch(${JSON.stringify(url)}, { signal: AbortSignal.timeout(1500) }).then(r => r.text(), () => 'unreachable').then(t => { console.log(t); process.exit(0); })`;
    return (await testbed.execIn(home, process.execPath, ['-e', program])).trim();
  }

  /** Sends UDP datagrams from inside a home; the addresses they arrived from. */
  async function udpArrivesFrom(home: string): Promise<string[]> {
    udpSenders.length = 0;
    const program = `const s = require('node:dgram').createSocket('udp4'); let n = 0;
      const t = setInterval(() => { s.send('hi', ${udpPort}, ${JSON.stringify(testbed.pub.address)}); if (++n === 5) { clearInterval(t); s.close(); } }, 50);`;
    await testbed.execIn(home, process.execPath, ['-e', program]);
    await new Promise((r) => setTimeout(r, 200));
    return [...new Set(udpSenders)];
  }

  it('puts each home behind its own masquerading router: servers see the router, never the home', async () => {
    const alice = testbed.home('alice');
    const bob = testbed.home('bob');
    expect(await seenFrom('alice')).toBe(alice.publicAddress);
    expect(await seenFrom('bob')).toBe(bob.publicAddress);
    expect(alice.publicAddress).not.toBe(bob.publicAddress);
    expect(await udpArrivesFrom('alice')).toEqual([alice.publicAddress]);
    // Nothing routes from the public side into a home.
    const error = await new Promise<string>((resolve) => {
      const socket = connect({ host: alice.address, port: 80, timeout: 1_000 });
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      socket.once('timeout', () => socket.destroy(new Error('timeout')));
    });
    expect(error).toMatch(/ENETUNREACH|EHOSTUNREACH|timeout/);
  });

  it('takes a home off the network with linkDown, and back with linkUp', async () => {
    await testbed.linkDown('bob');
    expect(await seenFrom('bob')).toBe('unreachable');
    expect(await seenFrom('alice')).toBe(testbed.home('alice').publicAddress);
    await testbed.linkUp('bob');
    expect(await seenFrom('bob')).toBe(testbed.home('bob').publicAddress);
  });

  it('moves a home to new addresses with changeAddress: it comes from a new public address', async () => {
    const before = testbed.home('bob');
    const after = await testbed.changeAddress('bob');
    expect(after.publicAddress).not.toBe(before.publicAddress);
    expect(after.address).not.toBe(before.address);
    expect(await seenFrom('bob')).toBe(after.publicAddress);
  });

  it('lets only TCP to the allowed ports through a strict firewall, no UDP at all, until it opens again', async () => {
    await testbed.firewall('alice', 'strict', [httpPort]);
    expect(await seenFrom('alice')).toBe(testbed.home('alice').publicAddress);
    expect(await udpArrivesFrom('alice')).toEqual([]);
    await testbed.firewall('alice', 'strict', [httpPort + 1]);
    expect(await seenFrom('alice')).toBe('unreachable');
    await testbed.firewall('alice', 'open');
    expect(await seenFrom('alice')).toBe(testbed.home('alice').publicAddress);
    expect(await udpArrivesFrom('alice')).toEqual([testbed.home('alice').publicAddress]);
  });
});
