/**
 * Screen shares in a session, one at a time. A participant's share is a second
 * publisher connection of theirs (SessionParticipant.publishScreen); once its
 * media flows it becomes their `screen` publication, and a share someone else
 * had running stops: the newer share replaces the older, so everyone (the
 * default UI's stage, the recording's large tile) has one screen to show.
 * Its steps run on the session's queue. A share ends in two steps: its
 * publication first (everyone's subscription drops it, each client answering
 * a new offer), its connection once they have, or after `dropWaitMs`.
 */
import { DEFAULTS } from '../defaults.ts';
import type { SessionParticipant } from './participant.ts';
import type { Publication } from './publications.ts';

/** What the shares need of their session. */
export interface ScreenShareHost {
  /** Everyone in the session now. */
  members(): Iterable<SessionParticipant>;
  /** Publications came or went: on the domain event stream (`publication.added` / `publication.removed`). */
  published(participant: SessionParticipant, added: Publication[]): Promise<void>;
  unpublished(participant: SessionParticipant, removed: Publication[]): Promise<void>;
  /** Everyone's subscription follows the change; resolves once their clients took it. */
  refreshSubscriptions(): Promise<unknown>;
}

export class ScreenShares {
  constructor(
    private readonly host: ScreenShareHost,
    private readonly log: { warn(obj: object, msg: string): void },
    private readonly dropWaitMs = DEFAULTS.screenShareDropWaitMs,
  ) {}

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
      if (other !== participant && other.sharingScreen) {
        const { ended } = await this.#end(other);
        ended.catch((error: unknown) => this.log.warn({ err: error }, 'closing a replaced screen share failed'));
      }
    }
    await this.host.published(participant, added);
    void this.host.refreshSubscriptions();
  }

  /**
   * `participant` stops sharing; harmless when they do not share. `ended`
   * resolves once nobody receives the share and its connection is closed
   * (wrapped, so that the session's queue does not wait for it).
   */
  stop(participant: SessionParticipant): Promise<{ ended: Promise<void> }> {
    return this.#end(participant);
  }

  async #end(participant: SessionParticipant): Promise<{ ended: Promise<void> }> {
    const { removed, close } = participant.endScreen();
    if (removed.length > 0) await this.host.unpublished(participant, removed);
    const dropped = removed.length > 0 ? this.host.refreshSubscriptions() : Promise.resolve();
    return { ended: within(dropped, this.dropWaitMs).then(close) };
  }
}

/** `work`, or the end of `ms`, whichever comes first. */
function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([work.then(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
