
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../secrets.ts';
import { createPostgresTestStore, createTestStore, type TestStoreFactory } from '../testing/test-store.ts';
import type { Store } from './index.ts';
import { MIGRATIONS, migrate } from './migrations.ts';
import { codeOf } from '../testing/code-of.ts';

const DATABASES: [string, TestStoreFactory][] = [
  ['PGlite', createTestStore],
  ['PostgreSQL', createPostgresTestStore],
];


describe.each(DATABASES)('the store on %s', (kind, factory) => {
  let store: Store;
  beforeEach(async () => {
    store = await factory();
  });
  afterEach(async () => {
    await store?.close();
  });

  it(`is really ${kind}`, () => {
    expect(store.db.kind).toBe(kind === 'PGlite' ? 'pglite' : 'postgres');
  });

  describe('users', () => {
    it('creates a user and reads it back with defaults filled in', async () => {
      const created = await store.users.create({ uid: 'alice', name: 'Alice' });
      expect(created).toMatchObject({ uid: 'alice', name: 'Alice', avatar: null, metadata: {} });
      expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
      expect(await store.users.get('alice')).toEqual(created);
    });

    it('keeps avatar and metadata', async () => {
      await store.users.create({ uid: 'bob', name: 'Bob', avatar: 'https://example.com/b.png', metadata: { team: 'red', n: 3 } });
      expect(await store.users.require('bob')).toMatchObject({ avatar: 'https://example.com/b.png', metadata: { team: 'red', n: 3 } });
    });

    it('refuses a second user with the same uid (USER_EXISTS)', async () => {
      await store.users.create({ uid: 'alice', name: 'Alice' });
      expect(await codeOf(store.users.create({ uid: 'alice', name: 'Other' }))).toBe('USER_EXISTS');
      expect((await store.users.require('alice')).name).toBe('Alice');
    });

    it('answers undefined for get and USER_NOT_FOUND for require of an unknown uid', async () => {
      expect(await store.users.get('nobody')).toBeUndefined();
      expect(await codeOf(store.users.require('nobody'))).toBe('USER_NOT_FOUND');
    });

    it('updates only the fields given, and can clear the avatar', async () => {
      await store.users.create({ uid: 'carol', name: 'Carol', avatar: 'https://example.com/c.png', metadata: { a: 1 } });
      const renamed = await store.users.update('carol', { name: 'Caroline' });
      expect(renamed).toMatchObject({ name: 'Caroline', avatar: 'https://example.com/c.png', metadata: { a: 1 } });
      const cleared = await store.users.update('carol', { avatar: null, metadata: { b: 2 } });
      expect(cleared).toMatchObject({ name: 'Caroline', avatar: null, metadata: { b: 2 } });
      expect(Date.parse(cleared.updatedAt)).toBeGreaterThanOrEqual(Date.parse(cleared.createdAt));
      expect(await codeOf(store.users.update('nobody', { name: 'x' }))).toBe('USER_NOT_FOUND');
    });

    it('deletes a user, and a second delete is USER_NOT_FOUND', async () => {
      await store.users.create({ uid: 'dave', name: 'Dave' });
      await store.users.delete('dave');
      expect(await store.users.get('dave')).toBeUndefined();
      expect(await codeOf(store.users.delete('dave'))).toBe('USER_NOT_FOUND');
    });

    it('lists users in uid order, page by page, with a cursor until the end', async () => {
      const uids = ['u05', 'u01', 'u04', 'u02', 'u03'];
      for (const uid of uids) await store.users.create({ uid, name: uid });
      const first = await store.users.list(2, undefined);
      expect(first.items.map((u) => u.uid)).toEqual(['u01', 'u02']);
      expect(first.nextCursor).toBe('u02');
      const second = await store.users.list(2, first.nextCursor ?? undefined);
      expect(second.items.map((u) => u.uid)).toEqual(['u03', 'u04']);
      const third = await store.users.list(2, second.nextCursor ?? undefined);
      expect(third.items.map((u) => u.uid)).toEqual(['u05']);
      expect(third.nextCursor).toBeNull();
      const exact = await store.users.list(5, undefined);
      expect(exact.items).toHaveLength(5);
      expect(exact.nextCursor).toBeNull();
    });

    it('lists nothing on an empty store', async () => {
      expect(await store.users.list(10, undefined)).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('auth tokens', () => {
    beforeEach(async () => {
      await store.users.create({ uid: 'alice', name: 'Alice' });
    });

    it('issues a token that finds its user', async () => {
      const t = await store.users.createAuthToken('alice');
      expect(t).toMatchObject({ uid: 'alice' });
      expect(t.id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await store.users.userForAuthToken(t.authToken))?.uid).toBe('alice');
    });

    it('stores only the hash: the raw token appears nowhere in auth_tokens', async () => {
      const t = await store.users.createAuthToken('alice');
      const rows = await store.db.query('select * from auth_tokens');
      expect(rows).toHaveLength(1);
      const dump = JSON.stringify(rows, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
      expect(dump).not.toContain(t.authToken);
      expect(dump).not.toContain(t.authToken.slice(3)); // nor its random part
      const [row] = await store.db.query<{ h: string }>("select encode(token_hash, 'hex') as h from auth_tokens");
      expect(row?.h).toBe(sha256(t.authToken).toString('hex'));
    });

    it('gives two different tokens for two issues', async () => {
      const a = await store.users.createAuthToken('alice');
      const b = await store.users.createAuthToken('alice');
      expect(a.authToken).not.toBe(b.authToken);
      expect(a.id).not.toBe(b.id);
    });

    it('refuses to issue for an unknown user (USER_NOT_FOUND)', async () => {
      expect(await codeOf(store.users.createAuthToken('nobody'))).toBe('USER_NOT_FOUND');
    });

    it('refuses to issue for a user deleted while the token was being issued (USER_NOT_FOUND, not a database error)', async () => {
      await store.users.create({ uid: 'leaving', name: 'Leaving' });
      const issuing = codeOf(store.users.createAuthToken('leaving')).catch((error: Error) => error.message);
      await store.users.delete('leaving');
      // Issued before the delete (codeOf then says it succeeded) or refused as unknown; never the foreign key's error.
      expect(['expected a ParleyError, but it succeeded', 'USER_NOT_FOUND']).toContain(await issuing);
    });

    it.runIf(kind === 'PostgreSQL')('refuses to issue for a user whose delete commits while the insert waits on it (USER_NOT_FOUND)', async () => {
      await store.users.create({ uid: 'leaving', name: 'Leaving' });
      let issuing: Promise<string> | undefined;
      await store.db.transaction(async (tx) => {
        await tx.query('delete from users where uid = $1', ['leaving']);
        // The insert still sees the user (our delete is not committed), and its foreign key check waits on our row lock.
        issuing = codeOf(store.users.createAuthToken('leaving'));
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      expect(await issuing).toBe('USER_NOT_FOUND');
    });

    it('knows nothing of an unknown token', async () => {
      expect(await store.users.userForAuthToken('at_not-a-real-token')).toBeUndefined();
    });

    it('revokes one token and leaves the others working; revoking again is fine', async () => {
      const a = await store.users.createAuthToken('alice');
      const b = await store.users.createAuthToken('alice');
      await store.users.revokeAuthToken('alice', a.id);
      expect(await store.users.userForAuthToken(a.authToken)).toBeUndefined();
      expect((await store.users.userForAuthToken(b.authToken))?.uid).toBe('alice');
      await store.users.revokeAuthToken('alice', a.id);
      expect(await store.users.userForAuthToken(a.authToken)).toBeUndefined();
    });

    it('refuses to revoke a token of another user or an unknown id (AUTH_TOKEN_NOT_FOUND)', async () => {
      await store.users.create({ uid: 'bob', name: 'Bob' });
      const a = await store.users.createAuthToken('alice');
      expect(await codeOf(store.users.revokeAuthToken('bob', a.id))).toBe('AUTH_TOKEN_NOT_FOUND');
      expect(await codeOf(store.users.revokeAuthToken('alice', '00000000-0000-4000-8000-000000000000'))).toBe('AUTH_TOKEN_NOT_FOUND');
      expect((await store.users.userForAuthToken(a.authToken))?.uid).toBe('alice');
    });

    it("deletes a user's tokens with the user (cascade)", async () => {
      const a = await store.users.createAuthToken('alice');
      await store.users.createAuthToken('alice');
      await store.users.delete('alice');
      expect(await store.db.query('select * from auth_tokens')).toEqual([]);
      expect(await store.users.userForAuthToken(a.authToken)).toBeUndefined();
    });

    it('does not bring a token back when a user with the same uid is made again', async () => {
      const a = await store.users.createAuthToken('alice');
      await store.users.delete('alice');
      await store.users.create({ uid: 'alice', name: 'Alice again' });
      expect(await store.users.userForAuthToken(a.authToken)).toBeUndefined();
    });

    it('sees a rename through the token', async () => {
      const a = await store.users.createAuthToken('alice');
      await store.users.update('alice', { name: 'Alicia' });
      expect((await store.users.userForAuthToken(a.authToken))?.name).toBe('Alicia');
    });
  });

  describe('sessions', () => {
    const t0 = new Date('2030-01-01T10:00:00.000Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);

    it('knows nothing of a session never started', async () => {
      expect(await store.sessions.get('never')).toBeUndefined();
    });

    it('records a session from start to end, with who joined and left when', async () => {
      await store.sessions.sessionStarted('s1', 'group', 'video');
      expect(await store.sessions.get('s1')).toMatchObject({ sessionId: 's1', kind: 'group', media: 'video', status: 'ongoing', endedAt: null });
      const a = await store.sessions.participantJoined('s1', 'alice', 'Alice', at(0));
      const b = await store.sessions.participantJoined('s1', 'bob', 'Bob', at(5));
      expect(a).not.toBe(b);
      await store.sessions.participantLeft(a, at(60), 'left');
      await store.sessions.participantLeft(b, at(61), 'left');
      await store.sessions.sessionEnded('s1', 'empty');
      const s = await store.sessions.get('s1');
      expect(s).toMatchObject({ status: 'ended', endReason: 'empty' });
      expect(s?.startedAt).toEqual(expect.any(String));
      expect(s?.endedAt).toEqual(expect.any(String));
      expect(s?.participants).toEqual([
        { uid: 'alice', name: 'Alice', joinedAt: at(0).toISOString(), leftAt: at(60).toISOString(), leaveReason: 'left' },
        { uid: 'bob', name: 'Bob', joinedAt: at(5).toISOString(), leftAt: at(61).toISOString(), leaveReason: 'left' },
      ]);
    });

    it('keeps the first leave time when a participant is marked left twice', async () => {
      await store.sessions.sessionStarted('s2', 'direct', 'audio');
      const a = await store.sessions.participantJoined('s2', 'alice', 'Alice', at(0));
      await store.sessions.participantLeft(a, at(10), 'left');
      await store.sessions.participantLeft(a, at(20), 'timeout');
      expect((await store.sessions.get('s2'))?.participants[0]).toMatchObject({ leftAt: at(10).toISOString(), leaveReason: 'left' });
    });

    it('starts an ended session again under the same id, keeping its history', async () => {
      await store.sessions.sessionStarted('s3', 'group', 'video');
      const a = await store.sessions.participantJoined('s3', 'alice', 'Alice', at(0));
      await store.sessions.participantLeft(a, at(1), 'left');
      await store.sessions.sessionEnded('s3', 'empty');
      await store.sessions.sessionStarted('s3', 'group', 'video');
      const s = await store.sessions.get('s3');
      expect(s).toMatchObject({ status: 'ongoing', endedAt: null, endReason: null });
      expect(s?.participants).toHaveLength(1);
    });

    it('writes the row and the open stays of a rebuilt session where a killed process had not, leaving written ones alone', async () => {
      await store.sessions.keepOpen('unwritten', 'group', 'video', [{ uid: 'alice', name: 'Alice', joinedAt: at(0) }]);
      expect(await store.sessions.get('unwritten')).toMatchObject({ status: 'ongoing', participants: [{ uid: 'alice', joinedAt: at(0).toISOString(), leftAt: null }] });
      await store.sessions.sessionStarted('half', 'group', 'video');
      await store.sessions.participantJoined('half', 'alice', 'Alice', at(0));
      await store.sessions.keepOpen('half', 'group', 'video', [
        { uid: 'alice', name: 'Alice', joinedAt: at(0) },
        { uid: 'bob', name: 'Bob', joinedAt: at(3) },
      ]);
      expect((await store.sessions.get('half'))?.participants.map((p) => [p.uid, p.joinedAt, p.leftAt])).toEqual([
        ['alice', at(0).toISOString(), null],
        ['bob', at(3).toISOString(), null],
      ]);
    });

    it('closes records a stopped server left open, and only those', async () => {
      await store.sessions.sessionStarted('open', 'group', 'video');
      const a = await store.sessions.participantJoined('open', 'alice', 'Alice', at(0));
      await store.sessions.participantJoined('open', 'bob', 'Bob', at(1));
      await store.sessions.participantLeft(a, at(2), 'left');
      await store.sessions.sessionStarted('done', 'group', 'video');
      await store.sessions.sessionEnded('done', 'empty');

      await store.sessions.closeDangling('server-restart');
      const open = await store.sessions.get('open');
      expect(open).toMatchObject({ status: 'ended', endReason: 'server-restart' });
      expect(open?.participants.map((p) => [p.uid, p.leaveReason])).toEqual([
        ['alice', 'left'],
        ['bob', 'server-restart'],
      ]);
      expect(open?.participants[1]?.leftAt).toEqual(expect.any(String));
      expect(await store.sessions.get('done')).toMatchObject({ status: 'ended', endReason: 'empty' });
    });

    it('refuses a session kind outside direct/group', async () => {
      await expect(store.sessions.sessionStarted('bad', 'conference' as never, 'video')).rejects.toThrow();
    });
  });

  describe('migrations', () => {
    it('has run every migration exactly once', async () => {
      const rows = await store.db.query<{ version: number }>('select version from schema_migrations order by version');
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('does nothing when run again', async () => {
      await store.users.create({ uid: 'alice', name: 'Alice' });
      expect(await migrate(store.db)).toEqual([]);
      expect(await migrate(store.db)).toEqual([]);
      const rows = await store.db.query('select version from schema_migrations');
      expect(rows).toHaveLength(MIGRATIONS.length);
      expect((await store.users.require('alice')).name).toBe('Alice');
    });

    it('keeps versions in increasing order (append only)', () => {
      const versions = MIGRATIONS.map((m) => m.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
    });
  });
});
