/** Test support: a `fetch` that answers from a script and records every request. */

export interface SeenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** What one request gets: a Response, or a thrown error (a failed connection). */
export type Reply = Response | Error | ((request: SeenRequest, signal: AbortSignal) => Promise<Response>);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function parleyError(status: number, code: string, message = code, details?: unknown): Response {
  return json(status, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/** `fetch` failing the way undici does when nothing listens. */
export function refused(): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
}

/** Replies in order; the last one repeats. */
export function fakeFetch(...replies: Reply[]): typeof fetch & { seen: SeenRequest[] } {
  const seen: SeenRequest[] = [];
  const fn = async (input: string | URL | Request, init: RequestInit = {}) => {
    const request: SeenRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    seen.push(request);
    const reply = replies[Math.min(seen.length - 1, replies.length - 1)];
    if (reply instanceof Error) throw reply;
    if (typeof reply === 'function') return reply(request, init.signal as AbortSignal);
    return (reply as Response).clone();
  };
  return Object.assign(fn, { seen }) as typeof fetch & { seen: SeenRequest[] };
}
