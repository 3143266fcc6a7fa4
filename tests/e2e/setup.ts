/** Runs before each e2e file: whatever pages a test opened are closed after it, however it ended. */
import { afterEach } from 'vitest';
import { closeTestPages } from './harness.ts';

afterEach(closeTestPages);
