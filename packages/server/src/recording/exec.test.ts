import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../defaults.ts';
import { CommandError, run } from './exec.ts';

describe('a recording tool', () => {
  it('runs behind the server in the CPU queue, by DEFAULTS.recordingJobNiceness', async () => {
    const { stdout } = await run('sh', ['-c', 'nice']);
    expect(Number(stdout.trim())).toBe(Math.min(19, getPriority() + DEFAULTS.recordingJobNiceness));
  });

  it('that fails rejects with its exit code and the end of its error output', async () => {
    const failed = await run('sh', ['-c', 'echo first >&2; echo last words >&2; exit 3']).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CommandError);
    expect(failed).toMatchObject({ code: 3, message: expect.stringContaining('last words') });
  });
});
