#!/usr/bin/env node
// The `parley` command. The package ships TypeScript sources for now, so tsx
// loads them; the packaging step will point this at built JavaScript.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
