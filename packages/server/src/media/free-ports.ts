import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** A TCP port on loopback that was free a moment ago (the OS picks it). */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port the OS assigned'));
      });
    });
  });
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '0.0.0.0', () => socket.close(() => resolve(true)));
  });
}

/**
 * A range of `count` UDP ports that are all free now. Ranges are picked at
 * random, aligned to `count`, so several Janus processes on one machine (tests,
 * nodes) rarely even try the same range; Janus only binds them per call later.
 */
export async function freeUdpPortRange(
  count: number,
  bounds: { min: number; max: number } = { min: 20_000, max: 59_999 },
  attempts = 20,
): Promise<{ min: number; max: number }> {
  const slots = Math.floor((bounds.max - bounds.min + 1) / count);
  if (slots < 1) throw new Error(`no room for ${count} ports in ${bounds.min}-${bounds.max}`);
  for (let i = 0; i < attempts; i++) {
    const min = bounds.min + Math.floor(Math.random() * slots) * count;
    const ports = Array.from({ length: count }, (_, k) => min + k);
    const free = await Promise.all(ports.map(udpPortFree));
    if (free.every(Boolean)) return { min, max: min + count - 1 };
  }
  throw new Error(`no free range of ${count} UDP ports found in ${bounds.min}-${bounds.max}`);
}
