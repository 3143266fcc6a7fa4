/** The state machine each of our peer connections goes through. */
import type { Transitions } from '@parley/protocol';

export type PeerState = 'new' | 'connecting' | 'connected' | 'failed' | 'closed';

export const PEER_TRANSITIONS: Transitions<PeerState> = {
  new: ['connecting', 'failed', 'closed'],
  connecting: ['connected', 'failed', 'closed'],
  // ICE may drop and recover: connected → connecting is a renegotiation or restart.
  connected: ['connecting', 'failed', 'closed'],
  failed: ['connecting', 'closed'],
  closed: [],
};

/** Maps the browser's connectionState onto ours (undefined: no change). */
export function peerStateFor(state: RTCPeerConnectionState): PeerState | undefined {
  switch (state) {
    case 'connecting':
      return 'connecting';
    case 'connected':
      return 'connected';
    case 'failed':
      return 'failed';
    case 'closed':
      return 'closed';
    default:
      return undefined; // 'new' and 'disconnected' (transient) leave our state as it is
  }
}
