/** Session leases in memory for unit tests: `elsewhere` are held by another process (`owner` 'other'; this one is 'me'); `released` lists what was given back. */
import { TypedEmitter } from '@parley/protocol';
import type { SessionLeasesEvents } from '../cluster/session-leases.ts';

export class FakeSessionLeases extends TypedEmitter<SessionLeasesEvents> {
  readonly held = new Set<string>();
  readonly elsewhere = new Set<string>();
  readonly released: string[] = [];

  constructor() {
    super(() => undefined);
  }

  async acquire(sessionId: string): Promise<boolean> {
    if (this.elsewhere.has(sessionId)) return false;
    this.held.add(sessionId);
    return true;
  }

  async release(sessionId: string): Promise<void> {
    if (this.held.delete(sessionId)) this.released.push(sessionId);
  }

  async owner(sessionId: string): Promise<string | null> {
    return this.held.has(sessionId) ? 'me' : this.elsewhere.has(sessionId) ? 'other' : null;
  }
}
