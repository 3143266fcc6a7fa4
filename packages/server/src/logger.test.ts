import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logging a request whose query holds a token', () => {
  it('writes the path without the query', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => lines.push(line) });
    log.info({ req: { method: 'GET', url: '/v1/recordings/r1/file?token=at_secret', socket: { remoteAddress: '127.0.0.1' } } }, 'incoming request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('at_secret');
    expect(JSON.parse(lines[0] as string).req).toEqual({ method: 'GET', url: '/v1/recordings/r1/file', remoteAddress: '127.0.0.1' });
  });
});
