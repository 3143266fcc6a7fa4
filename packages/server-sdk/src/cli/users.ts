/** `parley users …`: create a user, issue an auth token. */
import { type Command, option, positionals, usageError } from './command.ts';

const create: Command = {
  name: 'users create',
  usage: '<uid> --name <name> [--avatar <url>]',
  summary: 'Create a user',
  options: { name: { type: 'string' }, avatar: { type: 'string' } },
  parse(args) {
    const { uid } = positionals(args, ['uid']);
    const name = option(args, 'name');
    if (name === undefined) throw usageError('users create needs --name <name>');
    const avatar = option(args, 'avatar');
    return async ({ client, out }) => {
      const user = await client.users.create({ uid, name, ...(avatar === undefined ? {} : { avatar }) });
      out.result(user, () => `Created user ${user.uid} (${user.name})`);
    };
  },
};

const token: Command = {
  name: 'users token',
  usage: '<uid>',
  summary: "Issue an auth token for the user's SDK; prints the token (with --json also its id, to revoke it)",
  options: {},
  parse(args) {
    const { uid } = positionals(args, ['uid']);
    return async ({ client, out }) => {
      const created = await client.authTokens.create(uid);
      out.result(created, () => created.authToken);
    };
  },
};

export const usersCommands: readonly Command[] = [create, token];
