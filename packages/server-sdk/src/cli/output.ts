/**
 * Where a command's output goes: its result on stdout (JSON with `--json`,
 * text for people otherwise), anything else on stderr, so that
 * `parley … --json | jq` and `$(parley users token alice)` get only the result.
 */
import type { Writable } from 'node:stream';

export type TerminalStream = Writable & { isTTY?: boolean; columns?: number };

export interface CliIo {
  readonly stdout: TerminalStream;
  readonly stderr: TerminalStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export class Output {
  readonly io: CliIo;
  readonly json: boolean;

  constructor(io: CliIo, json: boolean) {
    this.io = io;
    this.json = json;
  }

  /** The command's result: `value` as JSON with --json, else the text `human` makes. */
  result(value: unknown, human: () => string): void {
    this.io.stdout.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }
}

/** One line on stderr, whatever the message holds: scripts read the first line. */
export function errorLine(message: string): string {
  return `parley: ${message.replace(/\s*\n\s*/g, ' ').trim()}\n`;
}
