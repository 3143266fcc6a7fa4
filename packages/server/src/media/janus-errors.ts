import { ParleyError } from '@parley/protocol';
import type { PluginData } from './janus-types.ts';

/** What a MEDIA_ERROR carries in `details`, so callers can branch on Janus's code. */
export interface JanusErrorDetails {
  janusCode: number | undefined;
  reason: string;
}

/** Builds the MEDIA_ERROR for an error Janus (core or plugin) reported. */
export function janusError(code: unknown, reason: unknown, what: string): ParleyError {
  const details: JanusErrorDetails = {
    janusCode: typeof code === 'number' ? code : undefined,
    reason: String(reason ?? ''),
  };
  return new ParleyError('MEDIA_ERROR', `Janus ${what} failed: ${details.janusCode ?? '?'} ${details.reason}`, {
    details,
  });
}

/** Plugins report errors inside a successful transport answer: `{ error_code, error }`. */
export function pluginError(data: PluginData, what: string): ParleyError | undefined {
  if (data.error_code === undefined) return undefined;
  return janusError(data.error_code, data.error, what);
}

/** The Janus code of a MEDIA_ERROR, if it is one. */
export function janusCodeOf(err: unknown): number | undefined {
  if (!(err instanceof ParleyError) || err.code !== 'MEDIA_ERROR') return undefined;
  return (err.details as JanusErrorDetails | undefined)?.janusCode;
}
