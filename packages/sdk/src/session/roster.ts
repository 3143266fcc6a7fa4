/** Who is in the session, as the server last told us, with `isLocalUser` set. */
import type { Participant } from '@parley/protocol';
import type { RTCUser } from '../api/events.ts';

export class Roster {
  #selfUid: string | undefined;
  #people = new Map<string, Participant>();

  get selfUid(): string | undefined {
    return this.#selfUid;
  }

  reset(self: Participant, others: Participant[]): void {
    this.#selfUid = self.uid;
    this.#people = new Map([self, ...others].map((p) => [p.uid, { ...p }]));
  }

  /** Everyone anew (after a resume), with who joined and who left since the last list. */
  resync(self: Participant, others: Participant[]): { joined: RTCUser[]; left: RTCUser[]; list: RTCUser[] } {
    const before = new Map(this.#people);
    this.reset(self, others);
    const joined = [...this.#people.values()].filter((p) => !before.has(p.uid)).map((p) => this.user(p));
    const left = [...before.values()].filter((p) => !this.#people.has(p.uid)).map((p) => this.user(p));
    return { joined, left, list: this.list() };
  }

  has(uid: string): boolean {
    return this.#people.has(uid);
  }

  get(uid: string): RTCUser | undefined {
    const p = this.#people.get(uid);
    return p ? this.user(p) : undefined;
  }

  upsert(p: Participant): RTCUser {
    this.#people.set(p.uid, { ...p });
    return this.user(p);
  }

  remove(p: Participant): RTCUser {
    this.#people.delete(p.uid);
    return this.user(p);
  }

  /** The full list from `participants.changed` (it includes us). */
  replace(list: Participant[]): RTCUser[] {
    const self = this.#selfUid ? this.#people.get(this.#selfUid) : undefined;
    this.#people = new Map(list.map((p) => [p.uid, { ...p }]));
    if (self && !this.#people.has(self.uid)) this.#people.set(self.uid, self);
    return this.list();
  }

  self(): RTCUser | undefined {
    const p = this.#selfUid ? this.#people.get(this.#selfUid) : undefined;
    return p ? this.user(p) : undefined;
  }

  list(): RTCUser[] {
    return [...this.#people.values()].map((p) => this.user(p));
  }

  clear(): void {
    this.#people.clear();
  }

  user(p: Participant): RTCUser {
    return { ...p, isLocalUser: p.uid === this.#selfUid };
  }
}
