/**
 * "Another process owns this session": the registry's refusal of a join here
 * (the lease is held elsewhere), which the signaling turns into a relay to the
 * owner (ws/relay-route.ts) rather than an answer to the client.
 */
import { isParleyError, ParleyError } from '@parley/protocol';

export function ownedElsewhere(sessionId: string): ParleyError {
  return new ParleyError('CLUSTER_UNAVAILABLE', 'The session is served by another server process', { details: { sessionId, ownedElsewhere: true } });
}

/** The session id of an `ownedElsewhere` refusal; undefined for any other error. */
export function sessionOwnedElsewhere(error: unknown): string | undefined {
  if (!isParleyError(error) || error.code !== 'CLUSTER_UNAVAILABLE') return undefined;
  const details = error.details as { sessionId?: unknown; ownedElsewhere?: unknown } | undefined;
  return details?.ownedElsewhere === true && typeof details.sessionId === 'string' ? details.sessionId : undefined;
}
