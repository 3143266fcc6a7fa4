/** `/v1/users`: create, read, change, delete and list the users of your app (API key). */
import { type CreateUserBody, type UpdateUserBody, User, UserPage } from '@parley/protocol';
import type { z } from 'zod';
import type { HttpTransport } from '../http/transport.ts';
import { ROUTES } from '../routes.ts';
import { eachItem, type PageOptions, pageQuery } from './paging.ts';

export type { User, UserPage };
export type CreateUserInput = z.input<typeof CreateUserBody>;
/** At least one of name, avatar (null clears it), metadata (replaced whole). */
export type UpdateUserInput = z.input<typeof UpdateUserBody>;

export class Users {
  readonly #http: HttpTransport;

  constructor(http: HttpTransport) {
    this.#http = http;
  }

  /** Creates a user; a taken uid is USER_EXISTS. */
  create(user: CreateUserInput): Promise<User> {
    return this.#http.json(ROUTES.createUser, { params: undefined, body: user }, User);
  }

  /** USER_NOT_FOUND when there is none. */
  get(uid: string): Promise<User> {
    return this.#http.json(ROUTES.getUser, { params: { uid } }, User);
  }

  /** Changes the fields given and keeps the others; call tokens issued afterwards carry the new name and avatar. */
  update(uid: string, changes: UpdateUserInput): Promise<User> {
    return this.#http.json(ROUTES.updateUser, { params: { uid }, body: changes }, User);
  }

  /** Deletes the user and revokes its auth tokens. */
  delete(uid: string): Promise<void> {
    return this.#http.empty(ROUTES.deleteUser, { params: { uid } });
  }

  /** One page of users in uid order. */
  list(page?: PageOptions): Promise<UserPage> {
    return this.#http.json(ROUTES.listUsers, { params: undefined, query: pageQuery(page) }, UserPage);
  }

  /** Every user in uid order, a page at a time: `for await (const user of client.users.all())`. */
  all(): AsyncGenerator<User> {
    return eachItem((page) => this.list(page));
  }
}
