/**
 * /v1/calls: the call log. The API key reads every call; a user's auth token
 * only the calls that user made, received or joined.
 */
import { CallLog, CallLogPage, CallLogParams, CallLogQuery, ParleyError } from '@parley/protocol';
import { defineRoute } from '../http/route.ts';
import type { CallLogReader } from './call-log-reader.ts';

export function callLogRoutes(store: CallLogReader) {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/calls',
      operationId: 'listCalls',
      tag: 'calls',
      summary: "Call logs, newest first; filter by uid and status (comma separated). A user's auth token sees only its own calls",
      auth: 'apiKeyOrAuthToken',
      query: CallLogQuery,
      response: { status: 200, schema: CallLogPage },
      handler: async ({ query, caller }) => {
        let uid = query.uid;
        if (caller.kind === 'user') {
          if (uid !== undefined && uid !== caller.user.uid) throw new ParleyError('FORBIDDEN', "An auth token may read only its own user's calls");
          uid = caller.user.uid;
        }
        return store.list({ uid, statuses: query.status, limit: query.limit, cursor: query.cursor });
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/v1/calls/:sessionId',
      operationId: 'getCall',
      tag: 'calls',
      summary: 'One call: status, who, participants with join/leave times and durations, minutes, recordings',
      auth: 'apiKeyOrAuthToken',
      params: CallLogParams,
      response: { status: 200, schema: CallLog },
      handler: async ({ params, caller }) => {
        const log = await store.get(params.sessionId);
        if (!log) throw new ParleyError('CALL_NOT_FOUND', `No call "${params.sessionId}"`);
        if (caller.kind === 'user' && !(await store.isParty(params.sessionId, caller.user.uid))) {
          throw new ParleyError('FORBIDDEN', 'Only the API key or someone who was in the call may read it');
        }
        return log;
      },
    }),
  ];
}
