/**
 * Screen shares in a session, one at a time. A participant's share is a second
 * publisher connection of theirs (SessionParticipant.publishScreen); once its
 * media flows it becomes their `screen` publication, and a share someone else
 * had running stops: the newer share replaces the older, so everyone (the
 * default UI's stage, the recording's large tile) has one screen to show.
 * Its steps run on the session's queue.
 */
import type { SessionParticipant } from './participant.ts';
import type { Publication } from './publications.ts';

/** What the shares need of their session. */
export interface ScreenShareHost {
  /** Everyone in the session now. */
  members(): Iterable<SessionParticipant>;
  /** Publications came or went: on the domain event stream (`publication.added` / `publication.removed`). */
  published(participant: SessionParticipant, added: Publication[]): Promise<void>;
  unpublished(participant: SessionParticipant, removed: Publication[]): Promise<void>;
  /** Everyone's subscription follows the change. */
  refreshSubscriptions(): void;
}

export class ScreenShares {
  constructor(private readonly host: ScreenShareHost) {}

  /** The uid of whoever shares now, or null. */
  get sharer(): string | null {
    for (const p of this.host.members()) if (p.sharingScreen && p.state !== 'left') return p.uid;
    return null;
  }

  /** `participant`'s share reaches the media server: it replaces any other, then everyone receives it. */
  async connected(participant: SessionParticipant): Promise<void> {
    if (participant.state === 'left') return;
    const added = participant.screenConnected();
    if (added.length === 0) return;
    for (const other of this.host.members()) {
      if (other !== participant && other.sharingScreen) await this.#end(other);
    }
    await this.host.published(participant, added);
    this.host.refreshSubscriptions();
  }

  /** `participant` stops sharing; harmless when they do not share. */
  async stop(participant: SessionParticipant): Promise<void> {
    if (await this.#end(participant)) this.host.refreshSubscriptions();
  }

  /** True when a live share ended (others received it). */
  async #end(participant: SessionParticipant): Promise<boolean> {
    const removed = await participant.stopScreen();
    if (removed.length > 0) await this.host.unpublished(participant, removed);
    return removed.length > 0;
  }
}
