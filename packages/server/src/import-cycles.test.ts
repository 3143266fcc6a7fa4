/**
 * No module of the server imports, even only for a type, a module that
 * imports it back, directly or around a circle: a child never imports its
 * parent (it gets an interface of what it needs, as VideoSwitchHost or
 * SubscriptionHost), and protocol adapters live in ws/. What `npx madge
 * --circular --extensions ts packages/server/src` reports, without madge.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The relative modules a source imports or re-exports from, `import type` included. */
function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\b[^'";]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm)].map((m) => m[1] as string);
}

function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(readFileSync(file, 'utf8'))
      .map((specifier) => resolve(dirname(file), specifier))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every circle a depth-first walk closes (madge's way of listing them). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push(path.slice(path.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

describe('the server’s imports', () => {
  it('form no circle', () => {
    const graph = importGraph(sourceFiles(SRC));
    expect(graph.size).toBeGreaterThan(50); // it did find the sources
    const circles = cycles(graph).map((circle) => circle.map((file) => relative(SRC, file)).join(' > '));
    expect(circles).toEqual([]);
  });

  it('counts type imports, multi-line imports and re-exports, and finds a circle of two', () => {
    const text = [
      "import type { CallSession } from './call-session.ts';",
      "import {\n  a,\n  b,\n} from '../media/media-backend.ts';",
      "export { c } from './c.ts';",
      "import { z } from '@parley/protocol';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./call-session.ts', '../media/media-backend.ts', './c.ts']);
    expect(cycles(new Map([['a', ['b']], ['b', ['a']]]))).toEqual([['a', 'b']]);
  });
});
