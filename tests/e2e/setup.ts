/** Runs before each e2e file: whatever pages a test opened are closed after it, however it ended. */
import { afterEach, beforeEach } from 'vitest';
import { closeTestPages, testStarted } from './harness.ts';

beforeEach(testStarted);
afterEach(closeTestPages);
