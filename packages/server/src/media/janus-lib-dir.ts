/**
 * Where Janus's modules (plugins/, transports/, …) are on this system: the
 * multiarch folder Debian and Ubuntu use on any architecture
 * (/usr/lib/<triplet>/janus), then the usual places of other distributions
 * and of a build from source. PARLEY_JANUS_LIB_DIR names it instead.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What a usable folder holds: the one plugin Parley needs. */
const VIDEOROOM = join('plugins', 'libjanus_videoroom.so');

function multiarchDirs(): string[] {
  try {
    return readdirSync('/usr/lib', { withFileTypes: true })
      .filter((d) => d.isDirectory() && /-linux-gnu/.test(d.name))
      .map((d) => join('/usr/lib', d.name, 'janus'));
  } catch {
    return [];
  }
}

export function janusLibDirCandidates(): string[] {
  return [...multiarchDirs(), '/usr/lib64/janus', '/usr/lib/janus', '/usr/local/lib/janus', '/opt/janus/lib/janus'];
}

/** The first candidate with the VideoRoom plugin, or undefined. */
export function findJanusLibDir(candidates: readonly string[] = janusLibDirCandidates()): string | undefined {
  return candidates.find((dir) => existsSync(join(dir, VIDEOROOM)));
}

/** Throws a message naming the override when `dir` (given, or found) has no VideoRoom plugin. */
export function requireJanusLibDir(dir: string | undefined): string {
  if (dir !== undefined) {
    if (!existsSync(join(dir, VIDEOROOM))) throw new Error(`PARLEY_JANUS_LIB_DIR=${dir} has no ${VIDEOROOM}`);
    return dir;
  }
  const found = findJanusLibDir();
  if (!found) throw new Error(`Janus's modules (${VIDEOROOM}) not found in ${janusLibDirCandidates().join(', ')}: set PARLEY_JANUS_LIB_DIR`);
  return found;
}
