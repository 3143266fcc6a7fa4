import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findJanusLibDir, requireJanusLibDir } from './janus-lib-dir.ts';

const made: string[] = [];
/** A folder laid out as Janus's lib folder, with or without the VideoRoom plugin. */
function libDir(withVideoRoom: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'janus-lib-'));
  made.push(dir);
  mkdirSync(join(dir, 'plugins'));
  if (withVideoRoom) writeFileSync(join(dir, 'plugins', 'libjanus_videoroom.so'), '');
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("finding Janus's modules", () => {
  it('takes the first candidate that has the VideoRoom plugin, skipping those without', () => {
    const empty = libDir(false);
    const good = libDir(true);
    expect(findJanusLibDir(['/nowhere', empty, good])).toBe(good);
    expect(findJanusLibDir(['/nowhere', empty])).toBeUndefined();
  });

  it('takes an override only if it holds the plugin, and says which variable to fix', () => {
    const good = libDir(true);
    expect(requireJanusLibDir(good)).toBe(good);
    expect(() => requireJanusLibDir(libDir(false))).toThrow(/PARLEY_JANUS_LIB_DIR=.* has no plugins\/libjanus_videoroom.so/);
  });
});
