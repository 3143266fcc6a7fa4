/**
 * The command line without a server: help, and every way the command line
 * itself can be wrong (exit 2, one line on stderr, nothing sent). Commands
 * against a real server, and one that is not there: cli.int.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.ts';
import { textSink } from '../testing/text-sink.ts';
import { runCli } from './main.ts';

/** Runs the CLI with a server that cannot be reached (port 9): a usage error must come before any request. */
async function run(argv: string[], env: Record<string, string> = { PARLEY_URL: 'http://127.0.0.1:9', PARLEY_API_KEY: 'pk_x' }) {
  const stdout = textSink();
  const stderr = textSink();
  const code = await runCli(argv, { stdout, stderr, env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('help', () => {
  it('lists every command and the exit codes', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(EXIT.ok);
    for (const command of ['users create', 'users token', 'calls list', 'calls show', 'recordings download']) expect(stdout).toContain(`parley ${command}`);
    expect(stdout).toMatch(/Exit codes: 0 .* 1 .*\n.*2 wrong command line, 3 the server could not be reached/);
  });

  it("prints a command's usage with --help, without needing a server", async () => {
    const { code, stdout } = await run(['calls', 'list', '--help'], {});
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/^Usage: parley calls list \[--since/);
  });
});

describe('a wrong command line exits 2 with one line on stderr', () => {
  const cases: Array<[string, string[], RegExp, Record<string, string>?]> = [
    ['an unknown command', ['meetings', 'list'], /unknown command "meetings"/],
    ['an unknown subcommand', ['users', 'fly'], /unknown command "users fly"/],
    ['a group without a command', ['users'], /users needs a command/],
    ['an unknown option', ['users', 'token', 'ann', '--bogus'], /Unknown option '--bogus'; see "parley users token --help"/],
    ['a missing argument', ['calls', 'show'], /expects <sessionId>, got none/],
    ['an extra argument', ['users', 'token', 'ann', 'bob'], /expects <uid>, got "ann" "bob"/],
    ['a missing required option', ['users', 'create', 'ann'], /needs --name/],
    ['an unreadable --since', ['calls', 'list', '--since', 'last tuesday'], /--since takes a time/],
    ['a --limit that is no count', ['calls', 'list', '--limit', '0'], /--limit takes a whole number/],
    ['an unknown status', ['calls', 'list', '--status', 'ended,lost'], /--status takes initiated, ongoing/],
    ['--json with the file on stdout', ['recordings', 'download', 'r1', '-o', '-', '--json'], /--json and "-o -" both want stdout/],
    ['no server', ['calls', 'list'], /no server: set PARLEY_URL or pass --url/, { PARLEY_API_KEY: 'pk_x' }],
    ['no API key', ['calls', 'list'], /no API key: set PARLEY_API_KEY or pass --api-key/, { PARLEY_URL: 'http://127.0.0.1:9' }],
    ['a URL that is no URL', ['calls', 'list', '--url', 'parley.example'], /server URL must be an http\(s\) URL/],
  ];
  for (const [what, argv, message, env] of cases) {
    it(what, async () => {
      const { code, stdout, stderr } = await run(argv, env);
      expect(code).toBe(EXIT.usage);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(/^parley: [^\n]+\n$/);
    });
  }
});

