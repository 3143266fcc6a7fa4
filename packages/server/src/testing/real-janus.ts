/**
 * A real Janus for one integration test file: started before its tests, with a
 * client session on it, and all of it stopped after them.
 */
import { afterAll, beforeAll } from 'vitest';
import { JanusClient } from '../media/janus-client.ts';
import { JanusProcess } from '../media/janus-process.ts';
import type { JanusSession } from '../media/janus-session.ts';

export interface RealJanus {
  readonly janus: JanusProcess;
  /** Set once the file's tests start. */
  client: JanusClient;
  session: JanusSession;
}

export function useRealJanus(): RealJanus {
  const real = { janus: new JanusProcess({ mediaInterface: process.env.PARLEY_MEDIA_INTERFACE }) } as RealJanus;
  beforeAll(async () => {
    await real.janus.start();
    real.client = await JanusClient.connect(real.janus.url);
    real.session = await real.client.createSession();
  });
  afterAll(async () => {
    await real.session?.destroy();
    await real.client?.close();
    await real.janus.stop();
  });
  return real;
}
