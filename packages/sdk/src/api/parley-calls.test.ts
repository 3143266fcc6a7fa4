import type { ParleyError } from '@parley/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { BackoffReconnectPolicy } from '../session/reconnect-policy.ts';
import { ParleyCalls } from './parley-calls.ts';

afterEach(() => ParleyCalls.reset());

function initError(options: Parameters<typeof ParleyCalls.init>[0]): string | undefined {
  try {
    ParleyCalls.init(options);
  } catch (error) {
    return (error as ParleyError).code;
  }
  return undefined;
}

describe('ParleyCalls.init', () => {
  it('takes a reconnect policy of the app, and refuses one without nextRetryDelayMs', () => {
    expect(initError({ serverUrl: 'http://calls.test', reconnectPolicy: new BackoffReconnectPolicy({ jitter: 0 }) })).toBeUndefined();
    expect(initError({ serverUrl: 'http://calls.test', reconnectPolicy: { nextRetryDelayMs: () => null } })).toBeUndefined();
    expect(ParleyCalls.isInitialized).toBe(true);
    ParleyCalls.reset();
    expect(initError({ serverUrl: 'http://calls.test', reconnectPolicy: { delays: [1] } as never })).toBe('VALIDATION_FAILED');
    expect(initError({ serverUrl: 'http://calls.test', reconnectPolicy: null as never })).toBe('VALIDATION_FAILED');
    expect(ParleyCalls.isInitialized).toBe(false);
  });
});
