/** `/v1/calls`: the call log, newest first (API key: every call). */
import { CallLog, CallLogPage, type CallLogQuery, CallQuality, type CallStatus } from '@parley/protocol';
import type { z } from 'zod';
import type { HttpTransport } from '../http/transport.ts';
import { ROUTES } from '../routes.ts';
import { eachItem, type PageOptions, pageQuery } from './paging.ts';

export type { CallLog, CallLogPage, CallQuality };

type Filter = Pick<z.output<typeof CallLogQuery>, 'uid'>;

export interface CallLogFilter extends Partial<Filter> {
  /** Only calls with this status, or any of these. */
  status?: CallStatus | readonly CallStatus[];
}

export class CallLogs {
  readonly #http: HttpTransport;

  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** One page of calls, newest first; `uid`: calls that user made, received or joined. */
  list(options: CallLogFilter & PageOptions = {}): Promise<CallLogPage> {
    const { uid, status, ...page } = options;
    const query = { ...pageQuery(page), uid, status: typeof status === 'string' ? status : status?.length ? status.join(',') : undefined };
    return this.#http.json(ROUTES.listCalls, { params: undefined, query }, CallLogPage);
  }

  /** Every call matching the filter, newest first, a page at a time. */
  all(filter: CallLogFilter = {}): AsyncGenerator<CallLog> {
    return eachItem((page) => this.list({ ...filter, ...page }));
  }

  /** One call: who was in it and when, minutes, recordings. CALL_NOT_FOUND when it has no record. */
  get(sessionId: string): Promise<CallLog> {
    return this.#http.json(ROUTES.getCall, { params: { sessionId } }, CallLog);
  }

  /**
   * A call's quality timelines: per participant, their stays and the samples their SDK sent
   * every 5 s (bitrates, loss, jitter, round trip, video both ways, score 0–5). CALL_NOT_FOUND
   * when it has no record.
   */
  quality(sessionId: string): Promise<CallQuality> {
    return this.#http.json(ROUTES.getCallQuality, { params: { sessionId } }, CallQuality);
  }
}
