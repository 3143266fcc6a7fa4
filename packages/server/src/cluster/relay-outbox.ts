/**
 * What a session's owner sends the relayed clients of other processes (issue
 * 17.2), per process and in the order sent: a session's broadcast is
 * published once for each process it reaches clients on, and that process
 * fans it out to its own, instead of once per relayed participant. A broadcast
 * hands every participant the same event object, one after the other in one
 * synchronous loop (CallSession.broadcast): the sends of one turn of the event
 * loop are held until its end, and a run of sends of one object to clients of
 * one process goes as one `client.event` naming them all.
 *
 * Whatever else goes to a process (an answer, a close) is sent after what is
 * held for it (`flush` first), so each client gets its events and answers in
 * the order the owner made them.
 */
import type { ServerEventName, ServerEvents } from '@parley/protocol';
import type { ClientEventMessage } from './cluster-messages.ts';

export class RelayOutbox {
  /** By process id: the messages held for it this turn. */
  readonly #held = new Map<string, ClientEventMessage[]>();

  /** `publish` sends one message to a process (and deals with its failure). */
  constructor(private readonly publish: (processId: string, message: ClientEventMessage) => void) {}

  send<E extends ServerEventName>(processId: string, connectionId: string, event: E, data: ServerEvents[E]): void {
    let held = this.#held.get(processId);
    if (!held) {
      held = [];
      this.#held.set(processId, held);
      queueMicrotask(() => this.flush(processId));
    }
    const last = held.at(-1);
    if (last && last.event === event && last.data === data) last.connectionIds.push(connectionId);
    else held.push({ connectionIds: [connectionId], event, data } as ClientEventMessage);
  }

  /** Sends what is held for `processId` now. */
  flush(processId: string): void {
    const held = this.#held.get(processId);
    if (!held) return;
    this.#held.delete(processId);
    for (const message of held) this.publish(processId, message);
  }
}
