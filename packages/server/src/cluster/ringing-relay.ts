/**
 * The ringing flow across processes (issue 17.2): a user's channels may be on
 * any process, and a call lives on its caller's.
 *
 * - A process with a channel of a user listens on the user's `user` topic;
 *   what the call's process tells the receiver's channels goes there too, and
 *   each process passes it to its own (all but the one it names).
 * - The call's process listens on the call's `call` topic while the call is
 *   live: the receiver's requests on it (accept, reject, end) from another
 *   process are answered there, the receiver's channel being one
 *   RemoteUserChannel for the call's life (its sends go over the bus to its
 *   socket, OwnerRelay.linkTo); and the call's session ending on another
 *   process (the one that owned it) is told there.
 * - What the other processes know of a user — whether they are busy there
 *   (in a call or a session), the calls ringing them from there — is asked of
 *   every process (`everyone` topic); each answers, and a process that does
 *   not answer in time counts as knowing nothing.
 */
import { randomUUID } from 'node:crypto';
import { type Call, ParleyError, type RequestParams } from '@parley/protocol';
import type { RingingCluster, UserChannel, UserState } from '../calls/ringing-service.ts';
import type { Logger } from '../util/logger.ts';
import type { ClusterBus, ClusterSubscription } from './cluster-bus.ts';
import { type RelayedClientAddress, Topics } from './cluster-messages.ts';
import type { OwnerRelay } from './owner-relay.ts';
import type { SessionLeases } from './session-leases.ts';

interface HeldCall {
  serving: Promise<ClusterSubscription | undefined>;
  /** The channels of other processes that acted on the call, by address. */
  channels: Map<string, UserChannel>;
}

const keyOf = (address: RelayedClientAddress) => `${address.replyTo}/${address.connectionId}`;

/** A question about a user waiting for every process's answer. */
interface Asking {
  answered: number;
  /** How many processes heard it; undefined until its publish says. */
  expected: number | undefined;
  /** What the other processes answered so far. */
  state: UserState;
  settle(): void;
}

export class RingingRelay implements RingingCluster {
  readonly #users = new Map<string, Promise<ClusterSubscription | undefined>>();
  readonly #calls = new Map<string, HeldCall>();
  /** Where a channel of another process is. */
  readonly #addresses = new WeakMap<UserChannel, RelayedClientAddress>();
  readonly #asking = new Map<string, Asking>();
  #stateHere: (uid: string) => UserState = () => ({ busy: false, ringing: [] });
  /** Listening for questions about users and their answers. */
  readonly #listening: Promise<unknown>;

  /** `askTimeoutMs`: how long a question about a user waits for every process's answer. */
  constructor(
    private readonly bus: ClusterBus,
    private readonly owners: OwnerRelay,
    private readonly leases: Pick<SessionLeases, 'owner'>,
    private readonly log: Logger,
    private readonly askTimeoutMs: number,
  ) {
    this.#listening = Promise.all([
      bus.subscribe(Topics.everyone(), ({ payload }) => {
        const answer = { requestId: payload.requestId, ...this.#stateHere(payload.uid) };
        void bus.publish(Topics.process(payload.replyTo), 'user.state', answer).catch((error: unknown) => this.#lost('answering about a user', error));
      }),
      bus.subscribe(Topics.process(bus.processId), (message) => {
        if (message.type === 'user.state') this.#answered(message.from, message.payload);
      }),
    ]).catch((error: unknown) => this.#lost('listening for questions about users', error));
  }

  answerFor(stateHere: (uid: string) => UserState): void {
    this.#stateHere = stateHere;
  }

  async userElsewhere(uid: string): Promise<UserState> {
    await this.#listening;
    const requestId = randomUUID();
    const state: UserState = { busy: false, ringing: [] };
    const answer = new Promise<UserState>((resolve) => {
      const timer = setTimeout(() => settle(), this.askTimeoutMs);
      const settle = () => {
        clearTimeout(timer);
        this.#asking.delete(requestId);
        resolve(state);
      };
      this.#asking.set(requestId, { answered: 0, expected: undefined, state, settle });
    });
    const heard = await this.bus.publish(Topics.everyone(), 'user.asked', { requestId, replyTo: this.bus.processId, uid }).catch(() => 0);
    const asking = this.#asking.get(requestId);
    if (asking) {
      asking.expected = heard;
      if (asking.answered >= heard) asking.settle();
    }
    return answer;
  }

  userOnline(uid: string, deliver: Parameters<RingingCluster['userOnline']>[1]): void {
    if (this.#users.has(uid)) return;
    const listening = this.bus
      .subscribe(Topics.user(uid), ({ from, payload }) => {
        if (from === this.bus.processId) return; // told here directly
        const except = payload.except?.replyTo === this.bus.processId ? payload.except.connectionId : undefined;
        deliver(payload.event, payload.data as never, except);
      })
      .catch((error: unknown) => this.#lost('listening on a user channel', error));
    this.#users.set(uid, listening);
  }

  userOffline(uid: string): void {
    const listening = this.#users.get(uid);
    this.#users.delete(uid);
    void listening?.then((s) => s?.unsubscribe()).catch((error: unknown) => this.#lost('leaving a user channel', error));
  }

  toUser: RingingCluster['toUser'] = (uid, event, data, except) => {
    const address = except && this.#addresses.get(except);
    const message = { event, data, ...(address ? { except: address } : {}) } as never;
    void this.bus.publish(Topics.user(uid), 'user.event', message).catch((error: unknown) => this.#lost('telling a user channel', error));
  };

  holdCall(sessionId: string, handle: Parameters<RingingCluster['holdCall']>[1], sessionEnded: () => void): void {
    if (this.#calls.has(sessionId)) return;
    const channels = new Map<string, UserChannel>();
    const serving = this.owners
      .serveCall(
        sessionId,
        async (request) => {
          if (!isCallRequest(request.type)) throw new ParleyError('VALIDATION_FAILED', `${request.type} is not a request on a call`);
          const call = await handle(this.#channelOf(channels, request), request.uid, request.type, request.params as RequestParams<'call.reject'>);
          return { call };
        },
        sessionEnded,
      )
      .catch((error: unknown) => this.#lost('serving a call', error));
    this.#calls.set(sessionId, { serving, channels });
  }

  releaseCall(sessionId: string): void {
    const held = this.#calls.get(sessionId);
    this.#calls.delete(sessionId);
    void held?.serving.then((s) => s?.unsubscribe()).catch((error: unknown) => this.#lost('releasing a call', error));
  }

  async relay(channel: UserChannel, uid: string, type: Parameters<RingingCluster['relay']>[2], params: Parameters<RingingCluster['relay']>[3]): Promise<Call> {
    const connectionId = channel.connectionId;
    if (connectionId === undefined) throw new ParleyError('CALL_NOT_FOUND');
    try {
      return (await this.owners.requestCall(params.sessionId, { uid, connectionId }, type, params as never)).call;
    } catch (error) {
      // Nobody holds it: it ended (or never was).
      if (error instanceof ParleyError && error.code === 'CLUSTER_UNAVAILABLE') throw new ParleyError('CALL_NOT_FOUND', `No live call "${params.sessionId}"`);
      throw error;
    }
  }

  async sessionLive(sessionId: string): Promise<boolean> {
    return (await this.leases.owner(sessionId)) !== null;
  }

  sessionEnded(sessionId: string): void {
    void this.owners.callSessionEnded(sessionId);
  }

  #answered(from: string, answer: { requestId: string } & UserState): void {
    const asking = this.#asking.get(answer.requestId);
    if (!asking) return; // settled already
    asking.answered += 1;
    // This process's own answer is what its caller knows already.
    if (from !== this.bus.processId) {
      asking.state.busy ||= answer.busy;
      asking.state.ringing.push(...answer.ringing);
    }
    if (asking.expected !== undefined && asking.answered >= asking.expected) asking.settle();
  }

  /** The one channel object of a channel of another process, for the call's life. */
  #channelOf(channels: Map<string, UserChannel>, address: RelayedClientAddress): UserChannel {
    const key = keyOf(address);
    let channel = channels.get(key);
    if (!channel) {
      const link = this.owners.linkTo(address);
      channel = { send: (event, data) => link.send(event, data) };
      this.#addresses.set(channel, { replyTo: address.replyTo, connectionId: address.connectionId });
      channels.set(key, channel);
    }
    return channel;
  }

  #lost(what: string, error: unknown): undefined {
    this.log.warn({ err: error }, `ringing across processes: ${what} failed`);
    return undefined;
  }
}

function isCallRequest(type: string): type is Parameters<RingingCluster['relay']>[2] {
  return type === 'call.accept' || type === 'call.reject' || type === 'call.cancel' || type === 'call.end';
}
