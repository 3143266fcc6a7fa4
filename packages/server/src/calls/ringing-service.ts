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
}

const party = (u: User): CallParty => ({ uid: u.uid, name: u.name, avatar: u.avatar });

export class RingingService {
  readonly #channels = new Map<string, Set<UserChannel>>();
  readonly #uidOf = new WeakMap<UserChannel, string>();
  readonly #calls = new Map<string, LiveCall>();
  readonly #queue = new SerialQueue();
  #closed = false;

  constructor(private readonly deps: RingingServiceDeps) {}

  /** A live session ended: an answered call on it is over for both (event-wiring.ts calls this). */
  sessionEnded(sessionId: string): void {
    if (this.#closed) return;
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
      this.deps.log.info({ uid: user.uid, channels: set.size }, 'user channel open');
      const ringing = [...this.#calls.values()].filter((c) => c.call.receiver.uid === user.uid && c.machine.is('initiated')).map((c) => snapshot(c));
      return { uid: user.uid, ringing };
    });
  }

  /** A channel's socket closed. A call it was still ringing out is cancelled. */
  channelClosed(channel: UserChannel): void {
    const uid = this.#uidOf.get(channel);
    if (uid === undefined) return;
    void this.#queue
      .run(async () => {
        this.#channels.get(uid)?.delete(channel);
        if (this.#channels.get(uid)?.size === 0) this.#channels.delete(uid);
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
      if (this.#activeCallOf(receiverUid) || this.deps.registry.isInSession(receiverUid)) {
        await this.#finish(live, 'busy', 'busy');
        channel.send('call.rejected', { call: snapshot(live) });
        return snapshot(live);
      }
      this.#calls.set(live.call.sessionId, live);
      live.timer = setTimeout(() => {
        void this.#queue.run(() => this.#unanswered(live)).catch((error) => this.deps.log.error({ err: error }, 'unanswered call failed'));
      }, this.deps.ringTimeoutMs);
      live.timer.unref?.();
      for (const c of this.#channelsOf(receiverUid)) c.send('call.incoming', { call: snapshot(live) });
      return snapshot(live);
    });
  }

  cancel(channel: UserChannel, sessionId: string): Promise<Call> {
    return this.#queue.run(async () => {
      const live = this.#requireCall(channel, sessionId, 'initiator');
      if (!live.machine.is('initiated')) throw new ParleyError('INVALID_STATE', 'The call was answered: end it with call.end');
      await this.#cancel(live, 'cancelled');
      return snapshot(live);
    });
  }

  // ——— the receiver ———

  accept(channel: UserChannel, sessionId: string): Promise<Call> {
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
          if (!this.deps.registry.get(sessionId)?.isOpen) await this.#sessionGone(sessionId, 'never-joined');
        });
      }, this.deps.joinGraceMs);
      live.timer.unref?.();
      live.callerChannel.send('call.accepted', { call: snapshot(live) });
      this.#stopRingingElsewhere(live, channel);
      return snapshot(live);
    });
  }

  reject(channel: UserChannel, sessionId: string, reason: 'rejected' | 'busy'): Promise<Call> {
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
    for (const c of this.#channelsOf(live.call.receiver.uid)) c.send('call.cancelled', { call: snapshot(live) });
  }

  async #unanswered(live: LiveCall): Promise<void> {
    if (!live.machine.is('initiated') || this.#calls.get(live.call.sessionId) !== live) return;
    await this.#finish(live, 'unanswered', 'unanswered');
    live.callerChannel.send('call.rejected', { call: snapshot(live) });
    for (const c of this.#channelsOf(live.call.receiver.uid)) c.send('call.cancelled', { call: snapshot(live) });
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
    await this.deps.calls.callFinished(live.call.sessionId, status, reason);
  }

  #tellEnded(live: LiveCall, by: string | null, except: UserChannel | undefined): void {
    for (const c of new Set([live.callerChannel, live.receiverChannel])) {
      if (c && c !== except) c.send('call.ended', { call: snapshot(live), by });
    }
  }

  #stopRingingElsewhere(live: LiveCall, answered: UserChannel): void {
    for (const c of this.#channelsOf(live.call.receiver.uid)) if (c !== answered) c.send('call.cancelled', { call: snapshot(live) });
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

  #channelsOf(uid: string): UserChannel[] {
    return [...(this.#channels.get(uid) ?? [])];
  }
}

function snapshot(live: LiveCall): Call {
  return { ...live.call, initiator: { ...live.call.initiator }, receiver: { ...live.call.receiver } };
}
