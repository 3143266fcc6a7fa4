/**
 * The coturn CLI conversation, against a stand-in that answers as coturn 4.6
 * does (greeting, `Enter password: `, `> ` once logged in, `ps` ending with
 * the total; a wrong password gets the password prompt again). The real coturn
 * is in metrics/turn-allocations.int.test.ts.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { countCoturnAllocations } from './coturn-cli.ts';

const PASSWORD = 'cli-pass-0123';
let server: Server | undefined;

afterEach(() => {
  server?.close();
  server = undefined;
});

/** A stand-in CLI on a free loopback port; `silent` never says anything. */
async function fakeCli(sessions: number, silent = false): Promise<number> {
  server = createServer((socket) => {
    if (silent) return;
    let loggedIn = false;
    socket.write("TURN Server\r\nCoturn-4.6.1 'Gorst'\r\n\r\nType '?' for help\r\nEnter password: \r\n");
    socket.on('data', (data) => {
      const line = data.toString().trim();
      if (!loggedIn) {
        loggedIn = line === PASSWORD;
        socket.write(loggedIn ? '> ' : 'Enter password: \r\n');
      } else if (line === 'ps') socket.write(`\r\n  1) id=001, user <1700000000:alice>:\r\n\r\n  Total sessions: ${sessions}\r\n\r\n> `);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('asking coturn how many allocations it holds', () => {
  it('logs in, runs ps and reads the total', async () => {
    const port = await fakeCli(2);
    expect(await countCoturnAllocations({ host: '127.0.0.1', port, password: PASSWORD })).toBe(2);
  });

  it('fails when the password is refused', async () => {
    const port = await fakeCli(2);
    await expect(countCoturnAllocations({ host: '127.0.0.1', port, password: 'wrong' })).rejects.toThrow('password refused');
  });

  it('gives up when the CLI does not answer in time', async () => {
    const port = await fakeCli(2, true);
    await expect(countCoturnAllocations({ host: '127.0.0.1', port, password: PASSWORD }, 200)).rejects.toThrow('no answer to ps within 200 ms');
  });

  it('fails when nothing listens', async () => {
    const port = await fakeCli(0);
    server?.close();
    await expect(countCoturnAllocations({ host: '127.0.0.1', port, password: PASSWORD })).rejects.toThrow(/coturn CLI/);
  });
});
