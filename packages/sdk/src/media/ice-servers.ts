/**
 * The RTCConfiguration of both peer connections: the app's (ParleyCalls.init:
 * its iceServers, its iceTransportPolicy), plus the TURN servers with
 * short-lived credentials the server hands out in each `join` and `resume`.
 */
import type { IceServer } from '@parley/protocol';

export function rtcConfigWith(base: RTCConfiguration | undefined, fromServer: readonly IceServer[] | undefined): RTCConfiguration {
  if (!fromServer || fromServer.length === 0) return { ...base };
  return { ...base, iceServers: [...(base?.iceServers ?? []), ...fromServer] };
}
