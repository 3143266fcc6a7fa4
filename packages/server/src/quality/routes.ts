/**
 * `GET /v1/calls/:sessionId/quality`: a call's quality timelines. The API key
 * reads any call's; a user's auth token only those of calls that user was in.
 */
import { CallQuality, CallQualityParams, ParleyError } from '@parley/protocol';
import { defineRoute } from '../http/route.ts';
import type { CallQualityReader } from './call-quality-reader.ts';

export function qualityRoutes(reader: CallQualityReader) {
  return [
    defineRoute({
      method: 'GET',
      url: '/v1/calls/:sessionId/quality',
      operationId: 'getCallQuality',
      tag: 'calls',
      summary:
        "A call's quality timelines: per participant, their stays and the samples their SDK sent every 5 s (bitrates, loss, jitter, round trip, video both ways, score 0–5)",
      auth: 'apiKeyOrAuthToken',
      params: CallQualityParams,
      response: { status: 200, schema: CallQuality },
      handler: async ({ params, caller }) => {
        if (!(await reader.exists(params.sessionId))) throw new ParleyError('CALL_NOT_FOUND', `No call "${params.sessionId}"`);
        if (caller.kind === 'user' && !(await reader.isParty(params.sessionId, caller.user.uid))) {
          throw new ParleyError('FORBIDDEN', "Only the API key or someone who was in the call may read its quality");
        }
        return reader.get(params.sessionId);
      },
    }),
  ];
}
