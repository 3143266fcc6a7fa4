import { describe, expect, it } from 'vitest';
import { roomSecret } from './room-secret.ts';

describe('a room secret', () => {
  it('is the same for every process sharing the node admin key, and differs per room', () => {
    expect(roomSecret('shared-admin-key', 42)).toBe(roomSecret('shared-admin-key', 42));
    expect(roomSecret('shared-admin-key', 42)).not.toBe(roomSecret('shared-admin-key', 43));
    expect(roomSecret('shared-admin-key', 42)).not.toBe(roomSecret('other-admin-key', 42));
  });

  it('cannot be derived without an admin key: random', () => {
    expect(roomSecret('', 42)).not.toBe(roomSecret('', 42));
  });
});
