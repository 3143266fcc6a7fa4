/** Which Janus node a new session's room goes to (issue 17.3): the least loaded, by what the cluster reports. */

/** What runs on one Janus node: participants in its rooms, and media streams it forwards (published and subscribed). */
export interface NodeLoad {
  readonly participants: number;
  readonly streams: number;
}

export const NO_LOAD: NodeLoad = Object.freeze({ participants: 0, streams: 0 });

/** The node with the fewest participants, then the fewest streams, then the first listed; undefined when there is none. */
export function leastLoaded(nodes: readonly string[], loads: ReadonlyMap<string, NodeLoad>): string | undefined {
  let best: { node: string; load: NodeLoad } | undefined;
  for (const node of nodes) {
    const load = loads.get(node) ?? NO_LOAD;
    if (!best || load.participants < best.load.participants || (load.participants === best.load.participants && load.streams < best.load.streams)) {
      best = { node, load };
    }
  }
  return best?.node;
}
