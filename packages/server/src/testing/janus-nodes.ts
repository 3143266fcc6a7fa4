/**
 * Janus nodes for a test, as JANUS_URLS names them: real Janus processes on
 * loopback sharing one VideoRoom admin key, stopped together.
 */
import { JanusProcess } from '../media/janus-process.ts';

export interface JanusNodes {
  readonly urls: string[];
  readonly adminKey: string;
  /** `kill -9` of one node (its supervisor starts it again, empty, at the same url). */
  kill(index: number): void;
  stop(): Promise<void>;
}

export async function startJanusNodes(count: number, adminKey = 'test-nodes-admin-key'): Promise<JanusNodes> {
  const nodes = Array.from({ length: count }, () => new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE, adminKey }));
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop().catch(() => undefined)));
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  const kill = (index: number) => {
    const pid = nodes[index]?.pid;
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  };
  return { urls: nodes.map((n) => n.url), adminKey, kill, stop };
}
