/**
 * Where a new session's media room goes (issue 17.3): the Janus node with the
 * fewest participants, then streams. One process counts its own sessions
 * (`local`); in a cluster it also posts that count on the node load board and
 * chooses by the totals of every process — posting first, so its own latest
 * sessions count. It re-posts its count on a timer so the others see it change.
 */
import type { Logger } from '../util/logger.ts';
import type { NodeLoadBoard } from './node-load-board.ts';
import { type NodeLoad, leastLoaded } from './node-placement.ts';

export interface RoomPlacementOptions {
  /** This process's load per node now. */
  local: () => ReadonlyMap<string, NodeLoad>;
  /** The cluster's board (REDIS_URL); without it the local count decides. */
  board: Pick<NodeLoadBoard, 'post' | 'leastLoaded'> | undefined;
  /** How often the local count is posted (ms). */
  postEveryMs: number;
  log: Logger;
}

export class RoomPlacement {
  readonly #opts: RoomPlacementOptions;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(opts: RoomPlacementOptions) {
    this.#opts = opts;
    const board = opts.board;
    if (board) {
      this.#timer = setInterval(() => {
        board.post(opts.local()).catch((error: unknown) => opts.log.warn({ err: error }, 'node load not posted'));
      }, opts.postEveryMs);
      this.#timer.unref();
    }
  }

  /** The least loaded of `nodes`; when Redis does not answer, by this process's own count. */
  async choose(nodes: readonly string[]): Promise<string | undefined> {
    const { board, local, log } = this.#opts;
    if (nodes.length <= 1 || !board) return leastLoaded(nodes, local());
    try {
      await board.post(local());
      return await board.leastLoaded(nodes);
    } catch (error) {
      log.warn({ err: error }, 'node load not shared: placing by this process’s own count');
      return leastLoaded(nodes, local());
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
