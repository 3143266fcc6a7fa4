/** Users and their auth tokens: API key only. */
import {
  AuthTokenParams,
  CreatedAuthToken,
  CreateUserBody,
  PageQuery,
  UidParams,
  UpdateUserBody,
  User,
  UserPage,
} from '@parley/protocol';
import { defineRoute } from './route.ts';

export const usersRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/users',
    summary: 'Create a user',
    auth: 'apiKey',
    body: CreateUserBody,
    response: { status: 201, schema: User },
    handler: ({ body, services }) => services.store.users.create(body),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/users',
    summary: 'List users, ordered by uid',
    auth: 'apiKey',
    query: PageQuery,
    response: { status: 200, schema: UserPage },
    handler: ({ query, services }) => services.store.users.list(query.limit, query.cursor),
  }),
  defineRoute({
    method: 'GET',
    url: '/v1/users/:uid',
    summary: 'Get a user',
    auth: 'apiKey',
    params: UidParams,
    response: { status: 200, schema: User },
    handler: ({ params, services }) => services.store.users.require(params.uid),
  }),
  defineRoute({
    method: 'PATCH',
    url: '/v1/users/:uid',
    summary: 'Change a user',
    auth: 'apiKey',
    params: UidParams,
    body: UpdateUserBody,
    response: { status: 200, schema: User },
    handler: ({ params, body, services }) => services.store.users.update(params.uid, body),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/users/:uid',
    summary: 'Delete a user and revoke its auth tokens',
    auth: 'apiKey',
    params: UidParams,
    response: { status: 204 },
    handler: async ({ params, services }) => {
      await services.store.users.delete(params.uid);
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/users/:uid/auth-tokens',
    summary: 'Issue an auth token for the SDK',
    auth: 'apiKey',
    params: UidParams,
    response: { status: 201, schema: CreatedAuthToken },
    handler: ({ params, services }) => services.store.users.createAuthToken(params.uid),
  }),
  defineRoute({
    method: 'DELETE',
    url: '/v1/users/:uid/auth-tokens/:id',
    summary: 'Revoke an auth token',
    auth: 'apiKey',
    params: AuthTokenParams,
    response: { status: 204 },
    handler: async ({ params, services }) => {
      await services.store.users.revokeAuthToken(params.uid, params.id);
    },
  }),
];
