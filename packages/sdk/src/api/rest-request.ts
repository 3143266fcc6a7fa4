/**
 * One REST call to the Parley server with a user's auth token. Network
 * failures become NETWORK_ERROR; the server's `{ error: { code, message } }`
 * becomes a ParleyError with the same code.
 */
import { errorFromResponse, ParleyError } from '@parley/protocol';

export async function restRequest<T>(
  url: string,
  init: { method?: 'GET' | 'POST'; authToken: string; body?: unknown },
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.authToken}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch (error) {
    throw new ParleyError('NETWORK_ERROR', `Cannot reach ${url}`, { cause: error });
  }
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!response.ok) throw errorFromResponse(response.status, body, `${init.method ?? 'GET'} ${new URL(url).pathname}`);
  return body as T;
}
