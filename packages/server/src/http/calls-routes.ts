/** Call tokens (a user's auth token) and the development login. */
import { CallToken, CreateCallTokenBody, DevLoginBody, DevLoginResult, ParleyError } from '@parley/protocol';
import { signCallToken } from '../tokens/call-token.ts';
import { defineRoute } from './route.ts';

export const callsRoutes = [
  defineRoute({
    method: 'POST',
    url: '/v1/calls/tokens',
    operationId: 'createCallToken',
    tag: 'calls',
    summary: 'Issue a call token for one session, for the calling user',
    auth: 'authToken',
    body: CreateCallTokenBody,
    response: { status: 200, schema: CallToken },
    handler: async ({ body, caller, services }) => {
      if (caller.kind !== 'user') throw new ParleyError('AUTH_TOKEN_REQUIRED');
      const { user } = caller;
      const signed = await signCallToken(services.secrets.tokenSecret, services.config.callTokenTtlSeconds, {
        sessionId: body.sessionId,
        uid: user.uid,
        name: user.name,
        avatar: user.avatar,
        kind: body.type,
      });
      return { ...signed, sessionId: body.sessionId };
    },
  }),
  defineRoute({
    method: 'POST',
    url: '/v1/dev/login',
    operationId: 'devLogin',
    tag: 'development',
    summary: 'Development only: create the user if needed and return an auth token',
    auth: 'none',
    body: DevLoginBody,
    response: { status: 200, schema: DevLoginResult },
    handler: async ({ body, services }) => {
      if (!services.config.devLogin) throw new ParleyError('DEV_LOGIN_DISABLED');
      const { users } = services.store;
      const user = (await users.get(body.uid)) ?? (await users.create({ uid: body.uid, name: body.name }).catch(() => users.require(body.uid)));
      const updated = user.name === body.name ? user : await users.update(user.uid, { name: body.name });
      const { authToken } = await users.createAuthToken(user.uid);
      return { user: updated, authToken };
    },
  }),
];
