/**
 * `parley <group> <command> [arguments] [options]`: reads the arguments
 * (util.parseArgs), the server and API key (flags or PARLEY_URL /
 * PARLEY_API_KEY), runs the command, and maps what went wrong to one line on
 * stderr and an exit code (exit-codes.ts).
 */
import { parseArgs } from 'node:util';
import { ParleyServerClient } from '../client.ts';
import { callsCommands } from './calls.ts';
import { type Command, type ParsedArgs, usageError } from './command.ts';
import { EXIT, type ExitCode, exitCodeOf } from './exit-codes.ts';
import { type CliIo, errorLine, Output } from './output.ts';
import { recordingsCommands } from './recordings.ts';
import { usersCommands } from './users.ts';

export type { CliIo };

const COMMANDS: readonly Command[] = [...usersCommands, ...callsCommands, ...recordingsCommands];

const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [group, name, ...rest] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
    io.stdout.write(usage());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === `${group} ${name}`);
  if (!command) {
    const known = COMMANDS.some((c) => c.name.startsWith(`${group} `));
    const what = known && name !== undefined && !name.startsWith('-') ? `unknown command "${group} ${name}"` : known ? `${group} needs a command` : `unknown command "${group}"`;
    io.stderr.write(errorLine(`${what}; see "parley --help"`));
    return EXIT.usage;
  }

  let start: ReturnType<Command['parse']>;
  let client: ParleyServerClient;
  let args: ParsedArgs;
  try {
    args = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    if (args.values.help) {
      io.stdout.write(commandUsage(command));
      return EXIT.ok;
    }
    start = command.parse(args);
    client = clientFor(args, io);
  } catch (error) {
    io.stderr.write(errorLine(`${command.name}: ${argumentProblem(error)}; see "parley ${command.name} --help"`));
    return EXIT.usage;
  }

  try {
    await start({ client, out: new Output(io, args.values.json === true) });
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(errorLine(describeFailure(error)));
    return exitCodeOf(error);
  }
}

function clientFor(args: ParsedArgs, io: CliIo): ParleyServerClient {
  const url = flag(args, 'url') ?? io.env.PARLEY_URL;
  const apiKey = flag(args, 'api-key') ?? io.env.PARLEY_API_KEY;
  if (!url) throw usageError('no server: set PARLEY_URL or pass --url');
  if (!apiKey) throw usageError('no API key: set PARLEY_API_KEY or pass --api-key');
  return new ParleyServerClient({ url, apiKey });
}

function flag(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** parseArgs explains at length how to pass a value starting with "-"; its first sentence says what is wrong. */
function argumentProblem(error: unknown): string {
  const { code, message } = error as { code?: unknown; message: string };
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS') ? (message.split(/\.\s/)[0] ?? message) : message;
}

function describeFailure(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  return typeof e?.code === 'string' ? `${e.code}: ${String(e.message)}` : String(e?.message ?? error);
}

const GLOBAL_HELP = `Options:
  --url <url>        the Parley server (default: $PARLEY_URL)
  --api-key <key>    its API key (default: $PARLEY_API_KEY; prefer the variable, flags show in ps)
  --json             print the result as JSON
  -h, --help         this help
`;

const EXIT_HELP = `Exit codes: ${EXIT.ok} done, ${EXIT.failed} the server refused (its error code is printed) or the output could not be written,
  ${EXIT.usage} wrong command line, ${EXIT.network} the server could not be reached or did not answer in time.
`;

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  parley ${c.name.padEnd(width)}  ${c.usage}\n  ${' '.repeat(width + 9)}${c.summary}`);
  return `Usage: parley <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n${GLOBAL_HELP}\n${EXIT_HELP}`;
}

function commandUsage(command: Command): string {
  return `Usage: parley ${command.name} ${command.usage}\n\n${command.summary}\n\n${GLOBAL_HELP}\n${EXIT_HELP}`;
}
