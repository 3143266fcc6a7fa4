/**
 * Puts the parts together: config → secrets → store → app, and closes them
 * in reverse. Used by main.ts and by integration tests.
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { loadSecrets, type Secrets } from './secrets.ts';
import type { Services } from './services.ts';
import { openStore, type Store } from './store/index.ts';

export interface RunningServer {
  readonly url: string;
  readonly services: Services;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Use this store instead of opening the configured one (tests share a template). */
  store?: Store;
  secrets?: Secrets;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? pino({ level: config.logLevel, base: { service: 'parley' } });
  const secrets = options.secrets ?? loadSecrets(config);
  const store = options.store ?? (await openStore(config));
  await store.sessions.closeDangling('server-restart');
  const services: Services = { config, secrets, store, log };

  const app = await buildApp(services);
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    services,
    close() {
      closing ??= (async () => {
        await app.close();
        if (!options.store) await store.close();
      })();
      return closing;
    },
  };
}
