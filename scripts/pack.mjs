#!/usr/bin/env node
// Packs the publishable packages as npm would publish them:
//   node scripts/pack.mjs [out-dir]   (default .tmp/packs) → one .tgz per package
// Each package is built (its `build` script), then a staged copy is packed with
// `npm pack`: its package.json takes the `publishConfig` fields (exports, types,
// bin: dist/) over the workspace's (src/, for the workspace's own tools: tsc,
// tsx, vitest, esbuild read the TypeScript sources), drops what only the
// workspace uses (devDependencies, scripts), and the repository's LICENSE goes in.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The packages published to npm, dependencies first. */
export const PUBLISHED = ['packages/protocol', 'packages/sdk', 'packages/server-sdk', 'packages/react'];

/** The manifest npm publishes for a workspace package.json. */
export function publishedManifest(manifest) {
  const { publishConfig = {}, devDependencies: _dev, scripts: _scripts, ...rest } = manifest;
  return { ...rest, ...publishConfig };
}

/** Builds and packs every published package into `outDir`; returns the tarballs' paths. */
export function packPackages(outDir = join(ROOT, '.tmp/packs')) {
  mkdirSync(outDir, { recursive: true });
  const tarballs = [];
  for (const dir of PUBLISHED) {
    const source = join(ROOT, dir);
    const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'));
    execFileSync(npm, ['run', 'build'], { cwd: source, stdio: ['ignore', 'ignore', 'inherit'] });
    const stage = mkdtempSync(join(tmpdir(), 'parley-pack-'));
    try {
      for (const path of [...manifest.files, 'README.md']) {
        if (existsSync(join(source, path))) cpSync(join(source, path), join(stage, path), { recursive: true });
      }
      cpSync(join(ROOT, 'LICENSE'), join(stage, 'LICENSE'));
      writeFileSync(join(stage, 'package.json'), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
      const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', resolve(outDir)], { cwd: stage, encoding: 'utf8' }));
      tarballs.push(join(resolve(outDir), packed.filename));
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }
  return tarballs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const tarball of packPackages(process.argv[2])) console.log(tarball);
}
