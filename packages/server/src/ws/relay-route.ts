/**
 * Which requests a socket of this process sends to the owner of its session
 * when another process owns it (issue 17.2), and where a `join` or `resume`
 * that failed here goes instead.
 */
import { isParleyError, type ParsedParams, type RequestType } from '@parley/protocol';
import { sessionOwnedElsewhere } from '../cluster/owned-elsewhere.ts';
import type { Whereabouts } from '../cluster/session-whereabouts.ts';
import type { SessionRegistry } from '../sessions/session-registry.ts';
import { sessionOfResumeToken } from './resume-tokens.ts';

/** Answered by the process the socket is on, whoever owns its session: user channels are this process's, and a ping measures this socket. */
const ANSWERED_HERE: ReadonlySet<RequestType> = new Set(['ping', 'user.login', 'call.initiate', 'call.accept', 'call.reject', 'call.cancel', 'call.end']);

export function isRelayed(type: RequestType): boolean {
  return !ANSWERED_HERE.has(type);
}

/**
 * The session a failed `join` or `resume` is owned by elsewhere: a join the
 * registry refused because another process holds the lease, or a resume whose
 * token names a session not live here. Undefined: the failure is the answer.
 */
export function ownerSessionOf(type: RequestType, params: unknown, error: unknown, registry: Pick<SessionRegistry, 'get'>): string | undefined {
  if (type === 'join') return sessionOwnedElsewhere(error);
  if (type !== 'resume') return undefined;
  const sessionId = sessionOfResumeToken((params as ParsedParams<'resume'>).resumeToken);
  return sessionId !== undefined && !registry.get(sessionId)?.isOpen ? sessionId : undefined;
}

/**
 * The answer to a `join` or `resume` relayed after `local` failed here, when
 * the relay failed too: a resume that found nothing here (SESSION_ENDED) and
 * no process serving the session is answered by where the session is
 * (`whereabouts`, SessionWhereabouts.unserved): `nowhere` — not even a process
 * that took its lease and is about to serve it — has nothing to resume, so the
 * local answer stands and the client stops trying. Otherwise the relay's own
 * error (CLUSTER_UNAVAILABLE while a session changes owner: the client tries again).
 */
export async function relayFailure(local: unknown, relayed: unknown, whereabouts: () => Promise<Whereabouts>): Promise<unknown> {
  const noOwner = isParleyError(relayed) && relayed.code === 'CLUSTER_UNAVAILABLE';
  if (!noOwner || !isParleyError(local) || local.code !== 'SESSION_ENDED') return relayed;
  return (await whereabouts()) === 'nowhere' ? local : relayed;
}
