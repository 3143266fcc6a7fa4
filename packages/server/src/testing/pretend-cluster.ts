/**
 * Several server processes in one unit test (issue 17.2): each its own
 * registry, signaling, relay and ringing, on the fake media backend, sharing
 * one in-memory bus hub and one lease table — what Redis is to real processes
 * — and one call log (what PostgreSQL is). Clients are WebSockets faked in
 * memory, driving the real ClientConnection. A user logs in with their uid as
 * the auth token.
 */
import { EventEmitter } from 'node:events';
import { type Call, type CallStatus, type ListenerErrorReporter, ParleyError, TypedEmitter } from '@parley/protocol';
import pino from 'pino';
import type { WebSocket } from 'ws';
import { MemoryClusterBus, MemoryClusterHub } from '../cluster/memory-cluster-bus.ts';
import { RingingService } from '../calls/ringing-service.ts';
import { OwnerRelay } from '../cluster/owner-relay.ts';
import { OwnerWatch } from '../cluster/owner-watch.ts';
import { RingingRelay } from '../cluster/ringing-relay.ts';
import { ServedLeases } from '../cluster/served-leases.ts';
import type { SessionLeasesEvents } from '../cluster/session-leases.ts';
import { DEFAULTS } from '../defaults.ts';
import { DomainEvents } from '../sessions/domain-events.ts';
import { SessionRegistry } from '../sessions/session-registry.ts';
import type { UsersStore } from '../store/index.ts';
import { signCallToken } from '../tokens/call-token.ts';
import { tellClients } from '../ws/client-broadcast.ts';
import { ClientConnection } from '../ws/client-connection.ts';
import { RelayedClients } from '../ws/relayed-clients.ts';
import type { SignalingDeps } from '../ws/request-context.ts';
import { SignalingEvents } from '../ws/signaling-events.ts';
import { SignalingLimits } from '../ws/signaling-limits.ts';
import { FakeMediaBackend } from './fake-media-backend.ts';

const log = pino({ level: 'silent' });
const failLoudly: ListenerErrorReporter = (event, error) => {
  throw new Error(`a listener of ${String(event)} failed: ${String(error)}`);
};

/** The leases of every process, as Redis holds them: session → owner. */
class LeaseTable {
  readonly owners = new Map<string, string>();

  for(processId: string) {
    const owners = this.owners;
    return new (class extends TypedEmitter<SessionLeasesEvents> {
      async acquire(sessionId: string): Promise<boolean> {
        const owner = owners.get(sessionId) ?? processId;
        owners.set(sessionId, owner);
        return owner === processId;
      }
      async release(sessionId: string): Promise<void> {
        if (owners.get(sessionId) === processId) owners.delete(sessionId);
      }
      async owner(sessionId: string): Promise<string | null> {
        return owners.get(sessionId) ?? null;
      }
      async owners(sessionIds: readonly string[]): Promise<(string | null)[]> {
        return sessionIds.map((id) => owners.get(id) ?? null);
      }
    })(() => undefined);
  }
}

/** Users who log in with their uid as the auth token. */
const users = {
  async userForAuthToken(authToken: string) {
    return { uid: authToken, name: authToken.toUpperCase(), avatar: null };
  },
  async require(uid: string) {
    return { uid, name: uid.toUpperCase(), avatar: null };
  },
} as unknown as UsersStore;

/** The call log's rows, as every process writes them. */
export class SharedCallLog {
  readonly calls = new Map<string, { status: CallStatus; reason: string | null; acceptedAt: number | null }>();

  readonly writes = {
    callInitiated: async (call: Call) => void this.calls.set(call.sessionId, { status: 'initiated', reason: null, acceptedAt: null }),
    callAccepted: async (sessionId: string, at: number) => void this.calls.set(sessionId, { ...this.#row(sessionId), status: 'ongoing', acceptedAt: at }),
    callFinished: async (sessionId: string, status: CallStatus, reason: string) => void this.calls.set(sessionId, { ...this.#row(sessionId), status, reason }),
  };

  #row(sessionId: string) {
    const row = this.calls.get(sessionId);
    if (!row) throw new ParleyError('CALL_NOT_FOUND');
    return row;
  }
}

export interface PretendProcess {
  readonly processId: string;
  readonly registry: SessionRegistry;
  readonly media: FakeMediaBackend;
  readonly ringing: RingingService;
  /** A client's socket connected to this process. */
  connect(): PretendClient;
  /** Dies at once (kill -9): it leaves the bus, telling nobody anything. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

export class PretendCluster {
  readonly #hub = new MemoryClusterHub();
  readonly leases = new LeaseTable();
  readonly callLog = new SharedCallLog();
  readonly secret = new TextEncoder().encode('a-secret-of-at-least-32-bytes-long!!');
  readonly #processes: PretendProcess[] = [];

  async process(): Promise<PretendProcess> {
    const bus = new MemoryClusterBus({ hub: this.#hub, report: failLoudly });
    const relay = await OwnerRelay.start(bus, { timeoutMs: 2_000, log });
    const ownership = new ServedLeases(this.leases.for(bus.processId), log);
    const ownerWatch = new OwnerWatch(this.leases.for(bus.processId), 20, log);
    const events = new DomainEvents(failLoudly);
    tellClients(events);
    const media = new FakeMediaBackend();
    const registry = new SessionRegistry({ log, events, media, maxParticipants: 16, reconnectGraceMs: 1_000 }, ownership);
    const ringing = new RingingService({
      log,
      users,
      calls: this.callLog.writes,
      registry,
      ringTimeoutMs: 2_000,
      joinGraceMs: 1_000,
      cluster: new RingingRelay(bus, relay, this.leases.for(bus.processId), log, 500),
    });
    events.on('session.ended', (e) => ringing.sessionEnded(e.session.sessionId));
    const deps: SignalingDeps = {
      registry,
      tokenSecret: this.secret,
      log,
      observed: new SignalingEvents(failLoudly),
      limits: new SignalingLimits(DEFAULTS.rateLimits),
      relay,
      ownerWatch,
      ringing,
    };
    ownership.serveWith(new RelayedClients(deps, relay, { checkEveryMs: 20 }));
    const process: PretendProcess = {
      processId: bus.processId,
      registry,
      media,
      ringing,
      connect: () => new PretendClient(deps),
      kill: () => bus.close(),
      close: async () => {
        ringing.close();
        ownerWatch.close();
        await registry.closeAll('server-shutdown');
        await relay.close();
        await bus.close();
      },
    };
    this.#processes.push(process);
    return process;
  }

  /** A call token for `uid` in `sessionId`. */
  async token(uid: string, sessionId = 's1'): Promise<string> {
    return (await signCallToken(this.secret, 600, { sessionId, uid, name: uid.toUpperCase(), avatar: null, kind: 'group' })).token;
  }

  async close(): Promise<void> {
    await Promise.all(this.#processes.map((p) => p.close()));
  }
}

type Frame = { type: 'response'; id: string; ok: boolean; result?: any; error?: { code: string } } | { type: 'event'; event: string; data: any };

/** A WebSocket as `ws` gives it to the signaling, in memory: what the server sends is kept. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly frames: Frame[] = [];
  closedWith: number | undefined;

  send(text: string): void {
    this.frames.push(JSON.parse(text));
  }

  close(code: number): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = 3;
    this.closedWith = code;
    this.emit('close');
  }
}

export class PretendClient {
  readonly #socket = new FakeSocket();
  #next = 0;

  constructor(deps: SignalingDeps) {
    new ClientConnection(this.#socket as unknown as WebSocket, deps, log);
  }

  /** Sends a request; resolves with the server's answer (ok or not). */
  async request(type: string, params: unknown = {}): Promise<Extract<Frame, { type: 'response' }>> {
    const id = `r${++this.#next}`;
    this.#socket.emit('message', Buffer.from(JSON.stringify({ id, type, params })), false);
    for (let i = 0; i < 400; i++) {
      const frame = this.#socket.frames.find((f) => f.type === 'response' && f.id === id);
      if (frame?.type === 'response') return frame;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no answer to ${type}`);
  }

  /** The payloads of the events it got by this name, oldest first. */
  events(name: string): any[] {
    return this.#socket.frames.flatMap((f) => (f.type === 'event' && f.event === name ? [f.data] : []));
  }

  /** The close code the server closed its socket with; undefined while open. */
  get closedWith(): number | undefined {
    return this.#socket.closedWith;
  }

  /** Its network went away: the socket closes from the client's side. */
  drop(): void {
    this.#socket.close(1006);
  }
}
