/**
 * Puts the parts together: config → secrets → store → app, and closes them
 * in reverse. Used by main.ts and by integration tests.
 */
import type { Logger } from 'pino';
import { CallLogStore, callLogRoutes, RingingService } from './calls/index.ts';
import type { Config } from './config.ts';
import { DEFAULTS } from './defaults.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import { MediaPlane } from './media/media-plane.ts';
import { RecordingController, recordingRoutes, RecordingService, RecordingsStore } from './recording/index.ts';
import { loadSecrets, type Secrets } from './secrets.ts';
import type { Services } from './services.ts';
import { SessionRegistry } from './sessions/session-registry.ts';
import { openStore, type Store } from './store/index.ts';
import { signalingPlugin } from './ws/signaling-plugin.ts';

export interface RunningServer {
  readonly url: string;
  readonly services: Services;
  readonly media: MediaPlane | undefined;
  readonly registry: SessionRegistry | undefined;
  /** Recordings: jobs, files, recovery. */
  readonly recordings?: RecordingService;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Use this store instead of opening the configured one (tests share a template). */
  store?: Store;
  secrets?: Secrets;
  /** false: no Janus and no signaling (REST-only tests). Default true. */
  media?: boolean;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  const secrets = options.secrets ?? loadSecrets(config);
  const store = options.store ?? (await openStore(config));
  await store.sessions.closeDangling('server-restart');
  const services: Services = { config, secrets, store, log };
  const recordings = new RecordingService({
    store: new RecordingsStore(store.db),
    dataDir: config.dataDir,
    concurrency: DEFAULTS.recordingJobConcurrency,
    log: log.child({ component: 'recording' }),
  });
  // Whatever a stopped or killed server left half done is processed again, or failed with the reason.
  await recordings.recover();

  const media =
    options.media === false
      ? undefined
      : await MediaPlane.start({
          ...(config.janusUrls === undefined ? {} : { janusUrls: config.janusUrls }),
          ...(config.janusAdminKey === undefined ? {} : { janusAdminKey: config.janusAdminKey }),
          ...(config.mediaInterface === undefined ? {} : { mediaInterface: config.mediaInterface }),
          dataDir: config.dataDir,
          requestTimeoutMs: DEFAULTS.janusRequestTimeoutMs,
          log: log.child({ component: 'media' }),
        });
  const recordingControl = new RecordingController(recordings, log.child({ component: 'recording' }));
  const registry = media
    ? new SessionRegistry({
        log: log.child({ component: 'sessions' }),
        sessions: store.sessions,
        createRoom: (sessionId) => media.createRoom(sessionId, recordings.rawRoot),
        recording: recordingControl,
        maxParticipants: DEFAULTS.maxParticipantsPerSession,
        reconnectGraceMs: config.reconnectGraceMs,
      })
    : undefined;
  // Rooms die with their Janus: end the calls in them rather than leave them hanging.
  media?.on('nodeLost', (url) => {
    log.error({ url }, 'janus node lost; ending its sessions');
    void registry?.closeAll('media-failure', (session) => session.room?.janus.client.url === url);
  });

  // The ringing flow needs signaling (so a registry); the call log is there either way.
  const callLog = new CallLogStore(store.db);
  const ringing = registry
    ? new RingingService({
        log: log.child({ component: 'ringing' }),
        users: store.users,
        callLog,
        registry,
        ringTimeoutMs: config.ringTimeoutMs,
        joinGraceMs: DEFAULTS.ringJoinGraceMs,
      })
    : undefined;
  await (ringing?.start() ?? callLog.closeDangling());

  const app = await buildApp(services, {
    plugins: registry
      ? [signalingPlugin({ registry, tokenSecret: secrets.tokenSecret, log: log.child({ component: 'signaling' }), recording: recordingControl, ringing })]
      : [],
    routes: [...recordingRoutes(recordings), ...callLogRoutes(callLog)],
    mediaStatus: () => media?.status() ?? 'disabled',
  });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    services,
    media,
    registry,
    recordings,
    close() {
      closing ??= (async () => {
        ringing?.close();
        await registry?.closeAll('server-shutdown');
        await app.close();
        // Jobs cut short here stay `processing` and are picked up by the next start.
        await recordings.close();
        await media?.close();
        if (!options.store) await store.close();
      })();
      return closing;
    },
  };
}
