/**
 * The ringing flow: user channels (signaling connections that sent
 * `user.login`, one per tab) and the calls that ring between them. A call
 * moves only through CALL_TRANSITIONS; every move is written to the call log
 * and told to the channels that need it. Steps run one at a time.
 *
 * Who hears what:
 * - `call.incoming` → every channel of the receiver;
 * - `call.accepted` / `call.rejected` → the caller's channel that initiated it;
 * - `call.cancelled` → the receiver's channels still ringing (all of them on
 *   cancel or no answer; the others when one tab accepts or declines);
 * - `call.ended` → the two channels that own the call (caller's, accepter's),
 *   except the one that asked.
 *
 * In a cluster (`cluster`) a user's channels may be on several processes: a
 * call lives on its caller's process, the receiver's channels elsewhere are
 * told over the bus, and their requests on the call are relayed to it (each
 * is a channel like any other there).
 */
import { randomUUID } from 'node:crypto';
import {
  type Call,
  type CallParty,
  type CallStatus,
  type CallType,
  ParleyError,
  type ServerEventName,
  type ServerEvents,
  type User,
} from '@parley/protocol';
import type { Logger } from 'pino';
import type { SessionRegistry } from '../sessions/session-registry.ts';
import type { SessionsStore, UsersStore } from '../store/index.ts';
import { SerialQueue } from '@parley/protocol';
import { StateMachine, type Transitions } from '@parley/protocol';

/** What the service needs of a connection: a way to push events (ClientConnection has it). */
export interface UserChannel {
  send<E extends ServerEventName>(event: E, data: ServerEvents[E]): void;
  /** Unique on its process (a cluster names a channel by it). */
  readonly connectionId?: string;
}

type CallRequest = 'call.accept' | 'call.reject' | 'call.cancel' | 'call.end';
type CallRequestParams = { sessionId: string; reason?: 'rejected' | 'busy' };

/** The other processes of a cluster, as the ringing flow reaches them (cluster/ringing-relay.ts). */
export interface RingingCluster {
  /** The first channel of `uid` here logged in: the user's events from other processes reach `deliver` (not the channel `except` names), until `userOffline`. */
  userOnline(uid: string, deliver: <E extends ServerEventName>(event: E, data: ServerEvents[E], exceptConnectionId: string | undefined) => void): void;
  userOffline(uid: string): void;
  /** Tells `uid`'s channels on other processes (all but `except`, a channel of another process relayed here). */
  toUser<E extends ServerEventName>(uid: string, event: E, data: ServerEvents[E], except?: UserChannel): void;
  /** The call rings from here: requests on it from channels elsewhere go to `handle` (each such channel one object for the call's life), its session ending elsewhere to `sessionEnded`, until `releaseCall`. */
  holdCall(sessionId: string, handle: (channel: UserChannel, uid: string, type: CallRequest, params: CallRequestParams) => Promise<Call>, sessionEnded: () => void): void;
  releaseCall(sessionId: string): void;
  /** A request of `channel` (logged in here as `uid`) on a call that rings from another process, answered there. */
  relay(channel: UserChannel, uid: string, type: CallRequest, params: CallRequestParams): Promise<Call>;
  /** Whether the session is live on any process. */
  sessionLive(sessionId: string): Promise<boolean>;
  /** A session owned here ended: the process its call rings from hears it. */
  sessionEnded(sessionId: string): void;
  /** What the other processes know of a user (each answers with what its `answerFor` says). */
  userElsewhere(uid: string): Promise<UserState>;
  answerFor(stateHere: (uid: string) => UserState): void;
}

/** What one process knows of a user: whether they are in a call or a session there, and the calls ringing them from there. */
export interface UserState {
  busy: boolean;
  ringing: Call[];
}

const CALL_TRANSITIONS: Transitions<CallStatus> = {
  initiated: ['ongoing', 'rejected', 'busy', 'cancelled', 'unanswered'],
  ongoing: ['ended'],
  ended: [],
  rejected: [],
  busy: [],
  cancelled: [],
  unanswered: [],
};

interface LiveCall {
  readonly call: Call;
  readonly machine: StateMachine<CallStatus>;
  readonly callerChannel: UserChannel;
  receiverChannel: UserChannel | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface RingingServiceDeps {
  log: Logger;
  users: UsersStore;
  /** Where each call's moves are written (its call_sessions row). */
  calls: Pick<SessionsStore, 'callInitiated' | 'callAccepted' | 'callFinished'>;
  /** Live sessions: who is in one (busy), and ending a call's session. */
  registry: Pick<SessionRegistry, 'get' | 'isInSession'>;
  ringTimeoutMs: number;
  joinGraceMs: number;
  /** A cluster's other processes (REDIS_URL); absent: every channel and call is here. */
  cluster?: RingingCluster | undefined;
}

const party = (u: User): CallParty => ({ uid: u.uid, name: u.name, avatar: u.avatar });

export class RingingService {
  readonly #channels = new Map<string, Set<UserChannel>>();
  readonly #uidOf = new WeakMap<UserChannel, string>();
  readonly #calls = new Map<string, LiveCall>();
  readonly #queue = new SerialQueue();
  #closed = false;

  constructor(private readonly deps: RingingServiceDeps) {
    deps.cluster?.answerFor((uid) => ({ busy: this.#activeCallOf(uid) !== undefined || deps.registry.isInSession(uid), ringing: this.#ringing(uid) }));
  }

  /** A live session ended: an answered call on it is over for both (event-wiring.ts calls this). */
  sessionEnded(sessionId: string): void {
    if (this.#closed) return;
    if (!this.#calls.has(sessionId)) this.deps.cluster?.sessionEnded(sessionId);
    void this.#queue.run(() => this.#sessionGone(sessionId, 'session-ended')).catch((error) => this.deps.log.error({ err: error }, 'ending a call failed'));
  }

  uidOf(channel: UserChannel): string | undefined {
    return this.#uidOf.get(channel);
  }

  // ——— channels ———

  async login(channel: UserChannel, authToken: string): Promise<{ uid: string; ringing: Call[] }> {
    const user = await this.deps.users.userForAuthToken(authToken);
    if (!user) throw new ParleyError('AUTH_TOKEN_INVALID');
    return this.#queue.run(async () => {
      const previous = this.#uidOf.get(channel);
      if (previous !== undefined && previous !== user.uid) this.#channels.get(previous)?.delete(channel);
      this.#uidOf.set(channel, user.uid);
      let set = this.#channels.get(user.uid);
      if (!set) {
        set = new Set();
        this.#channels.set(user.uid, set);
      }
      set.add(channel);
      if (set.size === 1) this.deps.cluster?.userOnline(user.uid, (event, data, except) => this.#tellHere(user.uid, event, data, except));
      this.deps.log.info({ uid: user.uid, channels: set.size }, 'user channel open');
      const elsewhere = (await this.deps.cluster?.userElsewhere(user.uid))?.ringing ?? [];
      return { uid: user.uid, ringing: [...this.#ringing(user.uid), ...elsewhere] };
    });
  }

  /** A channel's socket closed. A call it was still ringing out is cancelled. */
  channelClosed(channel: UserChannel): void {
    const uid = this.#uidOf.get(channel);
    if (uid === undefined) return;
    void this.#queue
      .run(async () => {
        this.#channels.get(uid)?.delete(channel);
        if (this.#channels.get(uid)?.size === 0) {
          this.#channels.delete(uid);
          this.deps.cluster?.userOffline(uid);
        }
        for (const live of [...this.#calls.values()]) {
          if (live.callerChannel === channel && live.machine.is('initiated')) await this.#cancel(live, 'caller-disconnected');
        }
      })
      .catch((error) => this.deps.log.error({ err: error }, 'closing a user channel failed'));
  }

  // ——— the caller ———

  initiate(channel: UserChannel, receiverUid: string, type: CallType): Promise<Call> {
    return this.#queue.run(async () => {
      const uid = this.#requireUid(channel);
      if (receiverUid === uid) throw new ParleyError('VALIDATION_FAILED', 'You cannot call yourself');
      const [caller, receiver] = await Promise.all([this.deps.users.require(uid), this.deps.users.require(receiverUid)]);
      if (this.#activeCallOf(uid)) throw new ParleyError('INVALID_STATE', 'You are in a call already: end or cancel it first');
      const now = Date.now();
      const live: LiveCall = {
        call: {
          sessionId: `call_${randomUUID()}`,
          type,
          kind: 'direct',
          status: 'initiated',
          initiator: party(caller),
          receiver: party(receiver),
          initiatedAt: now,
          acceptedAt: null,
          endedAt: null,
        },
        machine: new StateMachine<CallStatus>('initiated', CALL_TRANSITIONS, (from, to) => this.#logMove(live, from, to)),
        callerChannel: channel,
        receiverChannel: undefined,
        timer: undefined,
      };
      await this.deps.calls.callInitiated(live.call);
      this.deps.log.info({ sessionId: live.call.sessionId, from: uid, to: receiverUid, type }, 'call initiated');
      if (this.#activeCallOf(receiverUid) || this.deps.registry.isInSession(receiverUid) || (await this.deps.cluster?.userElsewhere(receiverUid))?.busy) {
        await this.#finish(live, 'busy', 'busy');
        channel.send('call.rejected', { call: snapshot(live) });
        return snapshot(live);
      }
      this.#calls.set(live.call.sessionId, live);
      this.deps.cluster?.holdCall(live.call.sessionId, (from, fromUid, request, params) => this.#relayedHere(from, fromUid, request, params), () => this.sessionEnded(live.call.sessionId));
      live.timer = setTimeout(() => {
        void this.#queue.run(() => this.#unanswered(live)).catch((error) => this.deps.log.error({ err: error }, 'unanswered call failed'));
      }, this.deps.ringTimeoutMs);
      live.timer.unref?.();
      this.#tellUser(receiverUid, 'call.incoming', { call: snapshot(live) });
      return snapshot(live);
    });
  }

  cancel(channel: UserChannel, sessionId: string): Promise<Call> {
    const elsewhere = this.#ringsElsewhere(channel, 'call.cancel', { sessionId });
    if (elsewhere) return elsewhere;
    return this.#queue.run(async () => {
      const live = this.#requireCall(channel, sessionId, 'initiator');
      if (!live.machine.is('initiated')) throw new ParleyError('INVALID_STATE', 'The call was answered: end it with call.end');
      await this.#cancel(live, 'cancelled');
      return snapshot(live);
    });
  }

  // ——— the receiver ———

  accept(channel: UserChannel, sessionId: string): Promise<Call> {
    const elsewhere = this.#ringsElsewhere(channel, 'call.accept', { sessionId });
    if (elsewhere) return elsewhere;
    return this.#queue.run(async () => {
      const live = this.#requireCall(channel, sessionId, 'receiver');
      if (!live.machine.is('initiated')) throw new ParleyError('INVALID_STATE', 'The call was answered already');
      clearTimeout(live.timer);
      live.call.acceptedAt = Date.now();
      live.receiverChannel = channel;
      live.machine.to('ongoing');
      await this.deps.calls.callAccepted(sessionId, live.call.acceptedAt);
      // Both sides now join the session; if neither does, the call ends after a while.
      live.timer = setTimeout(() => {
        void this.#queue.run(async () => {
          if (!(await this.#sessionLive(sessionId))) await this.#sessionGone(sessionId, 'never-joined');
        });
      }, this.deps.joinGraceMs);
      live.timer.unref?.();
      live.callerChannel.send('call.accepted', { call: snapshot(live) });
      this.#stopRingingElsewhere(live, channel);
      return snapshot(live);
    });
  }

  reject(channel: UserChannel, sessionId: string, reason: 'rejected' | 'busy'): Promise<Call> {
    const elsewhere = this.#ringsElsewhere(channel, 'call.reject', { sessionId, reason });
    if (elsewhere) return elsewhere;
    return this.#queue.run(async () => {
      const live = this.#requireCall(channel, sessionId, 'receiver');
      if (!live.machine.is('initiated')) throw new ParleyError('INVALID_STATE', 'The call was answered: end it with call.end');
      await this.#finish(live, reason, reason);
      live.callerChannel.send('call.rejected', { call: snapshot(live) });
      this.#stopRingingElsewhere(live, channel);
      return snapshot(live);
    });
  }

  // ——— either side ———

  /** Ends an answered call for both and ends its live session; on a ringing call it cancels or rejects. */
  async end(channel: UserChannel, sessionId: string): Promise<Call> {
    const elsewhere = this.#ringsElsewhere(channel, 'call.end', { sessionId });
    if (elsewhere) return elsewhere;
    const { call, ended } = await this.#queue.run(async () => {
      const live = this.#requireCall(channel, sessionId, 'either');
      const uid = this.#requireUid(channel);
      if (live.machine.is('initiated')) {
        if (uid === live.call.initiator.uid) await this.#cancel(live, 'cancelled');
        else {
          await this.#finish(live, 'rejected', 'rejected');
          live.callerChannel.send('call.rejected', { call: snapshot(live) });
          this.#stopRingingElsewhere(live, channel);
        }
        return { call: snapshot(live), ended: false };
      }
      await this.#finish(live, 'ended', 'call-ended');
      this.#tellEnded(live, uid, channel);
      return { call: snapshot(live), ended: true };
    });
    // The session ends for both, so `onCallEnded` fires in each CallSession.
    if (ended) await this.deps.registry.get(sessionId)?.end('call-ended');
    return call;
  }

  /** Stops every timer and forgets every call (server shutdown). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const live of this.#calls.values()) clearTimeout(live.timer);
    this.#calls.clear();
    this.#channels.clear();
  }

  // ——— steps (inside the queue) ———

  async #cancel(live: LiveCall, reason: string): Promise<void> {
    await this.#finish(live, 'cancelled', reason);
    this.#tellUser(live.call.receiver.uid, 'call.cancelled', { call: snapshot(live) });
  }

  async #unanswered(live: LiveCall): Promise<void> {
    if (!live.machine.is('initiated') || this.#calls.get(live.call.sessionId) !== live) return;
    await this.#finish(live, 'unanswered', 'unanswered');
    live.callerChannel.send('call.rejected', { call: snapshot(live) });
    this.#tellUser(live.call.receiver.uid, 'call.cancelled', { call: snapshot(live) });
  }

  /** The call's session ended (or never started): an answered call is over for both. */
  async #sessionGone(sessionId: string, reason: string): Promise<void> {
    const live = this.#calls.get(sessionId);
    if (!live?.machine.is('ongoing')) return;
    await this.#finish(live, 'ended', reason);
    this.#tellEnded(live, null, undefined);
  }

  async #finish(live: LiveCall, status: CallStatus, reason: string): Promise<void> {
    clearTimeout(live.timer);
    live.timer = undefined;
    live.call.endedAt = Date.now();
    live.machine.to(status);
    this.#calls.delete(live.call.sessionId);
    this.deps.cluster?.releaseCall(live.call.sessionId);
    await this.deps.calls.callFinished(live.call.sessionId, status, reason);
  }

  #tellEnded(live: LiveCall, by: string | null, except: UserChannel | undefined): void {
    for (const c of new Set([live.callerChannel, live.receiverChannel])) {
      if (c && c !== except) c.send('call.ended', { call: snapshot(live), by });
    }
  }

  #stopRingingElsewhere(live: LiveCall, answered: UserChannel): void {
    this.#tellUser(live.call.receiver.uid, 'call.cancelled', { call: snapshot(live) }, answered);
  }

  /** Every channel of `uid` but `except`: here, and on the other processes of a cluster. */
  #tellUser<E extends ServerEventName>(uid: string, event: E, data: ServerEvents[E], except?: UserChannel): void {
    for (const c of this.#channelsOf(uid)) if (c !== except) c.send(event, data);
    this.deps.cluster?.toUser(uid, event, data, except);
  }

  /** What another process told `uid`'s channels, for those here (all but the one named `exceptConnectionId`). */
  #tellHere<E extends ServerEventName>(uid: string, event: E, data: ServerEvents[E], exceptConnectionId: string | undefined): void {
    for (const c of this.#channelsOf(uid)) if (exceptConnectionId === undefined || c.connectionId !== exceptConnectionId) c.send(event, data);
  }

  // ——— a cluster's calls ———

  /** A request on a call that rings from another process: relayed there (its caller's). Undefined: the call is here, or there is no cluster. */
  #ringsElsewhere(channel: UserChannel, type: CallRequest, params: CallRequestParams): Promise<Call> | undefined {
    const cluster = this.deps.cluster;
    if (!cluster || this.#calls.has(params.sessionId)) return undefined;
    return cluster.relay(channel, this.#requireUid(channel), type, params);
  }

  /** A request relayed from a channel of `uid` on another process, on a call that rings from here. */
  #relayedHere(channel: UserChannel, uid: string, type: CallRequest, params: CallRequestParams): Promise<Call> {
    this.#uidOf.set(channel, uid); // its process checked its login
    if (type === 'call.accept') return this.accept(channel, params.sessionId);
    if (type === 'call.reject') return this.reject(channel, params.sessionId, params.reason ?? 'rejected');
    if (type === 'call.cancel') return this.cancel(channel, params.sessionId);
    return this.end(channel, params.sessionId);
  }

  async #sessionLive(sessionId: string): Promise<boolean> {
    if (this.deps.registry.get(sessionId)?.isOpen) return true;
    return (await this.deps.cluster?.sessionLive(sessionId)) ?? false;
  }

  #logMove(live: LiveCall, from: CallStatus, to: CallStatus): void {
    live.call.status = to;
    this.deps.log.info({ sessionId: live.call.sessionId, from, to }, 'call status');
  }

  // ——— lookups ———

  #requireUid(channel: UserChannel): string {
    const uid = this.#uidOf.get(channel);
    if (uid === undefined) throw new ParleyError('NOT_LOGGED_IN');
    return uid;
  }

  #requireCall(channel: UserChannel, sessionId: string, role: 'initiator' | 'receiver' | 'either'): LiveCall {
    const uid = this.#requireUid(channel);
    const live = this.#calls.get(sessionId);
    const isInitiator = live?.call.initiator.uid === uid;
    const isReceiver = live?.call.receiver.uid === uid;
    const allowed = role === 'initiator' ? isInitiator : role === 'receiver' ? isReceiver : isInitiator || isReceiver;
    if (!live || !allowed) {
      throw new ParleyError('CALL_NOT_FOUND', `No live call "${sessionId}" for you to act on as ${role} (it may have ended, or been answered elsewhere)`);
    }
    return live;
  }

  #activeCallOf(uid: string): LiveCall | undefined {
    for (const live of this.#calls.values()) if (live.call.initiator.uid === uid || live.call.receiver.uid === uid) return live;
    return undefined;
  }

  /** The calls ringing `uid` from here. */
  #ringing(uid: string): Call[] {
    return [...this.#calls.values()].filter((c) => c.call.receiver.uid === uid && c.machine.is('initiated')).map((c) => snapshot(c));
  }

  #channelsOf(uid: string): UserChannel[] {
    return [...(this.#channels.get(uid) ?? [])];
  }
}

function snapshot(live: LiveCall): Call {
  return { ...live.call, initiator: { ...live.call.initiator }, receiver: { ...live.call.receiver } };
}
