/** Users and their auth tokens. Auth tokens are stored as SHA-256 hashes only. */
import { randomBytes, randomUUID } from 'node:crypto';
import { ParleyError, type CreateUserBody, type UpdateUserBody, type User } from '@parley/protocol';
import { sha256 } from '../secrets.ts';
import type { Database, Row } from './database.ts';

interface UserRow extends Row {
  uid: string;
  name: string;
  avatar: string | null;
  metadata: Record<string, unknown>;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (d: Date | string) => new Date(d).toISOString();
const noSuchUser = (uid: string) => new ParleyError('USER_NOT_FOUND', `No user with uid "${uid}"`);
/** PostgreSQL's SQLSTATE for a row whose foreign key names a row that is not there (PGlite's too). */
const FOREIGN_KEY_VIOLATION = '23503';

function toUser(r: UserRow): User {
  return { uid: r.uid, name: r.name, avatar: r.avatar, metadata: r.metadata, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at) };
}

export class UsersStore {
  constructor(private readonly db: Database) {}

  async create(body: CreateUserBody): Promise<User> {
    const rows = await this.db.query<UserRow>(
      `insert into users (uid, name, avatar, metadata) values ($1, $2, $3, $4)
       on conflict (uid) do nothing returning *`,
      [body.uid, body.name, body.avatar ?? null, JSON.stringify(body.metadata ?? {})],
    );
    if (!rows[0]) throw new ParleyError('USER_EXISTS', `A user with uid "${body.uid}" exists already`);
    return toUser(rows[0]);
  }

  async get(uid: string): Promise<User | undefined> {
    const rows = await this.db.query<UserRow>('select * from users where uid = $1', [uid]);
    return rows[0] && toUser(rows[0]);
  }

  async require(uid: string): Promise<User> {
    const user = await this.get(uid);
    if (!user) throw noSuchUser(uid);
    return user;
  }

  async update(uid: string, patch: UpdateUserBody): Promise<User> {
    const current = await this.require(uid);
    const rows = await this.db.query<UserRow>(
      'update users set name = $2, avatar = $3, metadata = $4, updated_at = now() where uid = $1 returning *',
      [
        uid,
        patch.name ?? current.name,
        patch.avatar === undefined ? current.avatar : patch.avatar,
        JSON.stringify(patch.metadata ?? current.metadata),
      ],
    );
    if (!rows[0]) throw noSuchUser(uid);
    return toUser(rows[0]);
  }

  /** Deletes the user; its auth tokens go with it (foreign key cascade). */
  async delete(uid: string): Promise<void> {
    const rows = await this.db.query('delete from users where uid = $1 returning uid', [uid]);
    if (rows.length === 0) throw noSuchUser(uid);
  }

  async list(limit: number, cursor: string | undefined): Promise<{ items: User[]; nextCursor: string | null }> {
    const rows = await this.db.query<UserRow>(
      'select * from users where ($1::text is null or uid > $1) order by uid limit $2',
      [cursor ?? null, limit + 1],
    );
    const items = rows.slice(0, limit).map(toUser);
    return { items, nextCursor: rows.length > limit ? (items.at(-1)?.uid ?? null) : null };
  }

  async createAuthToken(uid: string): Promise<{ id: string; authToken: string; uid: string; createdAt: string }> {
    const id = randomUUID();
    const authToken = `at_${randomBytes(32).toString('base64url')}`;
    // The uid comes from the user's row, so an unknown user inserts nothing. A delete that commits between that read
    // and the foreign key's check fails the check (PostgreSQL): the same answer, not a database error.
    const rows = await this.db
      .query<{ created_at: Date | string }>(
        'insert into auth_tokens (id, uid, token_hash) select $1, uid, $3 from users where uid = $2 returning created_at',
        [id, uid, sha256(authToken)],
      )
      .catch((error: unknown) => {
        throw (error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION ? noSuchUser(uid) : error;
      });
    if (!rows[0]) throw noSuchUser(uid);
    return { id, authToken, uid, createdAt: iso(rows[0].created_at) };
  }

  async revokeAuthToken(uid: string, id: string): Promise<void> {
    const rows = await this.db.query(
      'update auth_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 and uid = $2 returning id',
      [id, uid],
    );
    if (rows.length === 0) throw new ParleyError('AUTH_TOKEN_NOT_FOUND', `No auth token "${id}" for user "${uid}"`);
  }

  /** The user an auth token belongs to, or undefined when unknown, revoked or deleted. */
  async userForAuthToken(authToken: string): Promise<User | undefined> {
    const rows = await this.db.query<UserRow>(
      `select u.* from auth_tokens t join users u on u.uid = t.uid
       where t.token_hash = $1 and t.revoked_at is null`,
      [sha256(authToken)],
    );
    return rows[0] && toUser(rows[0]);
  }
}
