/**
 * The ringing flow's signaling requests: the protocol side of calls/, as
 * handlers.ts is the protocol side of sessions/. The connection itself is the
 * user channel; RingingService knows which user it logged in as.
 */
import { ParleyError } from '@parley/protocol';
import type { RingingService } from '../calls/ringing-service.ts';
import type { RequestContext, RequestHandlers } from './request-context.ts';

type RingingRequest = 'user.login' | 'call.initiate' | 'call.accept' | 'call.reject' | 'call.cancel' | 'call.end';

function ringingOf(conn: RequestContext): RingingService {
  if (!conn.deps.ringing) throw new ParleyError('INVALID_STATE', 'The ringing flow is not available on this server');
  return conn.deps.ringing;
}

export const ringingHandlers: Pick<RequestHandlers, RingingRequest> = {
  async 'user.login'(conn, { authToken }) {
    const result = await ringingOf(conn).login(conn, authToken);
    conn.log.info({ uid: result.uid }, 'user channel');
    return result;
  },
  async 'call.initiate'(conn, { receiverUid, type }) {
    const ringing = ringingOf(conn);
    const uid = ringing.uidOf(conn);
    if (uid !== undefined) conn.deps.limits.calls.take(uid); // not logged in: initiate says so
    return { call: await ringing.initiate(conn, receiverUid, type) };
  },
  async 'call.accept'(conn, { sessionId }) {
    return { call: await ringingOf(conn).accept(conn, sessionId) };
  },
  async 'call.reject'(conn, { sessionId, reason }) {
    return { call: await ringingOf(conn).reject(conn, sessionId, reason) };
  },
  async 'call.cancel'(conn, { sessionId }) {
    return { call: await ringingOf(conn).cancel(conn, sessionId) };
  },
  async 'call.end'(conn, { sessionId }) {
    return { call: await ringingOf(conn).end(conn, sessionId) };
  },
};
