#!/usr/bin/env node
// The `parley` command in this workspace: tsx runs the TypeScript sources. The
// published package's bin is the compiled dist/bin.js (publishConfig.bin).
import { register } from 'tsx/esm/api';

register();
await import('../src/bin.ts');
