#!/usr/bin/env node
/** The `parley` command: runs the CLI on this process's arguments and streams, and exits with its code. */
import { runCli } from './cli/main.ts';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
