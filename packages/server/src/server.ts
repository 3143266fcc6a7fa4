/**
 * Puts the parts together: config → secrets → store → app, and closes them
 * in reverse. Used by main.ts and by integration tests.
 */
import type { Logger } from 'pino';
import { CallLogReader, CallLogWriter, callLogRoutes, RingingService } from './calls/index.ts';
import type { Config } from './config.ts';
import { DEFAULTS } from './defaults.ts';
import { wireDomainEvents } from './event-wiring.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import { MediaPlane } from './media/media-plane.ts';
import { metricsRoute, startMetricsServer } from './metrics/metrics-endpoint.ts';
import { ParleyMetrics } from './metrics/parley-metrics.ts';
import { recordingRoutes, RecordingService, RecordingsStore } from './recording/index.ts';
import { loadSecrets, type Secrets } from './secrets.ts';
import type { Services } from './services.ts';
import { DomainEvents } from './sessions/domain-events.ts';
import { SessionRegistry } from './sessions/session-registry.ts';
import { Drain } from './sessions/drain.ts';
import { LiveStateWriter } from './sessions/live-state-writer.ts';
import { restoreLiveSessions } from './sessions/restore.ts';
import { SessionTakeover } from './cluster/session-takeover.ts';
import { readinessRoutes } from './http/readiness-route.ts';
import { openStore, type Store } from './store/index.ts';
import { type Cluster, startCluster } from './cluster/cluster.ts';
import { localNodeLoad } from './cluster/local-node-load.ts';
import { RoomPlacement } from './cluster/room-placement.ts';
import { stopInSteps } from './util/bounded-stop.ts';
import { reportTo } from './util/listener-errors.ts';
import { SignalingEvents } from './ws/signaling-events.ts';
import { SignalingLimits } from './ws/signaling-limits.ts';
import { callWritesWithWebhooks } from './webhooks/record-events.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { Webhooks } from './webhooks/webhooks.ts';
import { CallQualityReader, QualityRetention, QualityService, QualityStore, qualityRoutes } from './quality/index.ts';
import { signalingPlugin } from './ws/signaling-plugin.ts';
import { RelayedClients } from './ws/relayed-clients.ts';
import { RingingRelay } from './cluster/ringing-relay.ts';
import type { SignalingDeps } from './ws/request-context.ts';
import { discoverPublicIp } from './turn/public-address.ts';
import { TurnService } from './turn/turn-service.ts';

export interface RunningServer {
  readonly url: string;
  readonly services: Services;
  readonly media: MediaPlane | undefined;
  readonly registry: SessionRegistry | undefined;
  /** What live sessions do, for whoever wants to listen (see event-wiring.ts). */
  readonly events: DomainEvents;
  /** The bus between server processes and the session leases (REDIS_URL; in memory without it). The leases decide which sessions live here; clients of sessions owned elsewhere are relayed over the bus. */
  readonly cluster: Cluster;
  /** Which TURN server clients are given, for the startup line ("off" without one). */
  readonly turn: string;
  /** Recordings: jobs, files, recovery. */
  readonly recordings?: RecordingService;
  /** `PARLEY_METRICS_PORT`'s scrape URL, when set. */
  readonly metricsUrl: string | undefined;
  /**
   * SIGTERM: not ready, no new session, everyone told `server.draining`;
   * resolves once the calls ended or PARLEY_DRAIN_SECONDS passed (or at once
   * with `{ now: true }`, a second signal). `close()` then stops.
   */
  drain(opts?: { now?: boolean }): Promise<void>;
  /**
   * Stops. The calls still going on end (`server-shutdown`), or with `handOver`
   * (after a drain: a planned restart) stay persisted for the next start, which
   * carries them on when their clients resume within the reconnect window.
   */
  close(opts?: { handOver?: boolean }): Promise<void>;
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
  const log = options.log ?? createLogger(config.logLevel, undefined, config.logFormat);
  const secrets = options.secrets ?? loadSecrets(config);
  const store = options.store ?? (await openStore(config, log.child({ component: 'store' })));
  // With REDIS_URL, a Redis that cannot be reached stops the start here.
  const cluster = await startCluster(config.cluster, log.child({ component: 'cluster' }));
  const services: Services = { config, secrets, store, log };
  const events = new DomainEvents(reportTo(log.child({ component: 'events' })));
  const recordingsStore = new RecordingsStore(store.db);
  const recordings = new RecordingService({
    store: recordingsStore,
    dataDir: config.dataDir,
    concurrency: DEFAULTS.recordingJobConcurrency,
    log: log.child({ component: 'recording' }),
    events,
  });

  const publicIp = config.network.publicIp ?? (config.network.stunUrl ? await discoverPublicIp(config.network.stunUrl) : undefined);
  if (config.network.stunUrl) log.info(`public address ${publicIp} (from ${config.network.stunUrl})`);
  const media =
    options.media === false
      ? undefined
      : await MediaPlane.start({
          ...(config.janusUrls === undefined ? {} : { janusUrls: config.janusUrls }),
          ...(config.janusAdminKey === undefined ? {} : { janusAdminKey: config.janusAdminKey }),
          janusEvents: config.janusEvents,
          ...(config.mediaInterface === undefined ? {} : { mediaInterface: config.mediaInterface }),
          publicIp,
          janusLibDir: config.janusLibDir,
          janusLogLevel: config.janusLogLevel,
          dataDir: config.dataDir,
          requestTimeoutMs: DEFAULTS.janusRequestTimeoutMs,
          // Called only once sessions start (restore, joins), after `placement` below is made.
          placeRoom: (nodes): Promise<string | undefined> => placement.choose(nodes),
          participantsPerNode: config.nodeParticipants,
          nodeHint: nodeHintOf(config),
          log: log.child({ component: 'media' }),
        });
  const turn = await startTurn(config, media, publicIp, log);
  const registry = media
    ? new SessionRegistry({
        log: log.child({ component: 'sessions' }),
        events,
        media,
        maxParticipants: DEFAULTS.maxParticipantsPerSession,
        reconnectGraceMs: config.reconnectGraceMs,
      }, cluster.ownership)
    : undefined;
  // A new session's room goes to the least loaded Janus node (the cluster's totals with REDIS_URL).
  const placement: RoomPlacement = new RoomPlacement({
    local: () => localNodeLoad(registry?.sessions() ?? []),
    board: cluster.nodeLoad,
    postEveryMs: DEFAULTS.cluster.nodeLoadRepostMs,
    log: log.child({ component: 'cluster' }),
  });
  // The calls a killed (or handed-over) server left live carry on here; the rest are closed in the call log.
  // In a cluster, a call answered on another process may still wait for its session: left alone that long.
  const answeredLeftAfterMs = DEFAULTS.ringJoinGraceMs + DEFAULTS.cluster.ringingLeftMarginMs;
  // A process that died leaves its rooms on shared Janus nodes: gone before its sessions get new ones (here or by a takeover).
  const destroyStaleRooms = media ? (sessionIds: readonly string[]) => media.destroyStaleRooms(sessionIds) : undefined;
  const restored = await restoreLiveSessions({
    live: store.live,
    sessions: store.sessions,
    recordings: recordingsStore,
    registry,
    destroyStaleRooms,
    graceMs: config.reconnectGraceMs,
    leases: cluster.leases,
    answeredLeftAfterMs,
    log: log.child({ component: 'sessions' }),
  });
  // Whatever a stopped or killed server left half done is processed again, or failed with the reason.
  // In a cluster the other processes' recordings go on: only this start's are finished.
  await (cluster.leases ? recordings.recoverOwn(restored.closedSessionIds) : recordings.recover(restored.recordingIds));
  // In a cluster, what a process that dies from now on leaves live is taken over while this one runs.
  const takeover =
    registry && cluster.leases
      ? new SessionTakeover({
          live: store.live,
          sessions: store.sessions,
          recordings: recordingsStore,
          cutShort: (sessionIds) => recordings.cutShortIn(sessionIds),
          destroyStaleRooms,
          registry,
          graceMs: config.reconnectGraceMs,
          leases: cluster.leases,
          sweepEveryMs: DEFAULTS.cluster.takeoverSweepMs,
          pollMs: DEFAULTS.cluster.takeoverPollMs,
          ttlMs: DEFAULTS.cluster.sessionLeaseTtlMs,
          renewEveryMs: DEFAULTS.cluster.sessionLeaseRenewMs,
          ringingLeftAfterMs: config.ringTimeoutMs + DEFAULTS.cluster.ringingLeftMarginMs,
          answeredLeftAfterMs,
          log: log.child({ component: 'cluster' }),
        })
      : undefined;
  if (takeover) {
    registry?.takeOverWith(takeover);
    takeover.start();
  }

  const webhooks = new Webhooks(store.db, log.child({ component: 'webhooks' }));
  // Call-quality samples: written from the signaling, read by the quality route, purged past their retention.
  const qualityStore = new QualityStore(store.db);
  const quality = new QualityService(qualityStore, log.child({ component: 'quality' }));
  const qualityRetention = new QualityRetention(qualityStore, config.qualityRetentionDays, log.child({ component: 'quality' }));
  // The ringing flow needs signaling (so a registry); the call log is there either way.
  const ringing = registry
    ? new RingingService({
        log: log.child({ component: 'ringing' }),
        users: store.users,
        calls: callWritesWithWebhooks(store.sessions, new CallLogReader(store.sessions, recordingsStore), webhooks),
        registry,
        ringTimeoutMs: config.ringTimeoutMs,
        joinGraceMs: DEFAULTS.ringJoinGraceMs,
        // In a cluster, a call rings users' channels on every process.
        cluster: cluster.relay && cluster.leases && new RingingRelay(cluster.bus, cluster.relay, cluster.leases, log.child({ component: 'ringing' }), DEFAULTS.cluster.userQueryTimeoutMs),
      })
    : undefined;
  const metrics = new ParleyMetrics();
  if (registry) metrics.readLiveFrom(() => registry.liveCounts());
  const turnAllocations = turn?.allocationCounter();
  if (turnAllocations) metrics.countTurnAllocations(turnAllocations, (err) => log.warn({ err }, 'TURN allocations: coturn CLI did not answer'));
  const signalingEvents = new SignalingEvents(reportTo(log.child({ component: 'signaling' })));
  const liveState = new LiveStateWriter(store.live, log.child({ component: 'live-state' }));
  wireDomainEvents(events, {
    database: store.db,
    callLog: new CallLogWriter(store.sessions, log.child({ component: 'call-log' })),
    liveState,
    recordings,
    ringing,
    media,
    metrics: { registry: metrics, signaling: signalingEvents, janusNodes: media ? (config.janusUrls?.length ?? 1) : 0, janus: media?.process },
    webhooks: { service: webhooks, recordings: recordingsStore },
    log,
    quality,
  });

  const drain = new Drain();
  const signaling: SignalingDeps | undefined = registry && {
    registry, tokenSecret: secrets.tokenSecret, log: log.child({ component: 'signaling' }), recordings, ringing, turn, observed: signalingEvents, limits: new SignalingLimits(config.operations.rateLimits), quality, relay: cluster.relay, ownerWatch: cluster.ownerWatch,
  };
  // In a cluster, each session this process owns answers the clients other processes relay to it.
  if (signaling && cluster.relay) cluster.ownership?.serveWith(new RelayedClients(signaling, cluster.relay));
  const app = await buildApp(services, {
    plugins: signaling ? [signalingPlugin(signaling, { heartbeat: config.wsHeartbeat })] : [],
    routes: [
      ...recordingRoutes(recordings),
      ...callLogRoutes(new CallLogReader(store.sessions, recordingsStore)),
      ...webhookRoutes(webhooks.store),
      ...qualityRoutes(new CallQualityReader(store.sessions, qualityStore)),
      ...readinessRoutes({
        draining: () => drain.draining,
        database: async () => void (await store.db.query('SELECT 1')),
        mediaAnswering: () => media?.answering() ?? false,
      }),
    ],
    mediaStatus: () => media?.status() ?? 'disabled',
    turnBackend: () => turn?.backend(),
  });
  if (config.operations.metricsToken) await app.register(metricsRoute(metrics, config.operations.metricsToken));
  await app.listen({ port: config.port, host: config.host });
  // Also sends what a stopped or killed server had not delivered.
  await webhooks.start(config.operations);
  qualityRetention.start(DEFAULTS.quality.purgeIntervalMs);
  quality.start(DEFAULTS.quality.sweepIntervalMs);
  const metricsServer =
    config.operations.metricsPort === undefined ? undefined : await startMetricsServer(metrics, config.operations.metricsPort, config.operations.metricsHost);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    url: `${config.network.tls ? 'https' : 'http'}://${host}:${port}`,
    services,
    media,
    registry,
    events,
    recordings,
    turn: turn?.describe() ?? 'off',
    metricsUrl: metricsServer?.url,
    cluster,
    drain(opts = {}) {
      const draining = registry ? drain.run(registry, config.drainSeconds) : Promise.resolve();
      if (opts.now) drain.skip();
      return draining;
    },
    close(opts = {}) {
      // Each step bounded (util/bounded-stop.ts): one that hangs is left behind, the stop goes on.
      closing ??= stopInSteps(
        [
          [
            'sessions',
            async () => {
              ringing?.close();
              takeover?.close();
              if (opts.handOver) await registry?.handOverAll();
              else await registry?.closeAll('server-shutdown');
            },
          ],
          // What the next start rebuilds from must say what happened: an ended session must not come back.
          ['live state', () => liveState.settled()],
          // coturn before the app: TURN over TCP through our port is piped to coturn, app.close() waits for
          // every connection, and a pipe from a client that vanished behind a dead link would hold it for minutes.
          ['turn', () => turn?.close()],
          ['http', () => app.close()],
          ['metrics', () => metricsServer?.close()],
          ['webhooks', () => webhooks.close()],
          [
            'quality',
            async () => {
              await qualityRetention.close();
              quality.close();
            },
          ],
          // Jobs cut short here stay `processing` and are picked up by the next start.
          ['recordings', () => recordings.close()],
          ['media', () => media?.close()],
          [
            'cluster',
            async () => {
              placement.close();
              await cluster.close();
            },
          ],
          ['store', () => (options.store ? undefined : store.close())],
        ],
        DEFAULTS.stopStepMs,
        log,
      );
      return closing;
    },
  };
}

/** TURN beside the media plane: an embedded coturn relays only to the embedded Janus (or the external nodes' addresses). */
/** Test-only placement of named participants on given nodes (PARLEY_TEST_NODE_HINTS → JANUS_URLS entries). */
function nodeHintOf(config: Config): ((participant: string) => string | undefined) | undefined {
  const hints = config.testNodeHints;
  const urls = config.janusUrls;
  if (!hints || !urls) return undefined;
  return (participant) => {
    const index = hints.get(participant);
    return index === undefined ? undefined : urls[index];
  };
}

async function startTurn(config: Config, media: MediaPlane | undefined, publicIp: string | undefined, log: Logger): Promise<TurnService | undefined> {
  if (!media) return undefined;
  const janus = media.process;
  const mediaAddresses = janus ? [janus.mediaAddress] : (config.janusUrls ?? []).map((url) => new URL(url).hostname);
  const turn = await TurnService.start({
    setting: config.network.turn,
    credentialTtlSeconds: config.network.turnCredentialTtlSeconds,
    mediaAddresses,
    mediaInterface: janus?.mediaInterface?.address ?? config.mediaInterface,
    publicIp,
    tls: config.network.tls,
    dataDir: config.dataDir,
    log: log.child({ component: 'turn' }),
  });
  log.info(`TURN: ${turn?.describe() ?? 'off'}`);
  return turn;
}
