/** The shape of one `parley <group> <command>`, and what a command gets to run. */
import type { ParseArgsConfig } from 'node:util';
import { ParleyError } from '@parley/protocol';
import type { ParleyServerClient } from '../client.ts';
import type { Output } from './output.ts';

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

export interface RunContext {
  readonly client: ParleyServerClient;
  readonly out: Output;
}

export interface Command {
  /** `users create`. */
  readonly name: string;
  /** The arguments after the name, for help: `<uid> --name <name>`. */
  readonly usage: string;
  readonly summary: string;
  /** The command's own options (the global ones are added). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /**
   * Checks the arguments and returns what to run. Anything it throws is a
   * usage error (exit 2), and nothing has been sent to the server yet.
   */
  parse(args: ParsedArgs): (context: RunContext) => Promise<void>;
}

export function usageError(message: string): ParleyError {
  return new ParleyError('VALIDATION_FAILED', message);
}

/** The positionals, named; throws when there are more or fewer. */
export function positionals<const N extends readonly string[]>(args: ParsedArgs, names: N): { [K in N[number]]: string } {
  if (args.positionals.length !== names.length) {
    const expected = names.length === 0 ? 'no arguments' : names.map((n) => `<${n}>`).join(' ');
    throw usageError(`expects ${expected}, got ${args.positionals.length === 0 ? 'none' : args.positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  }
  return Object.fromEntries(names.map((name, i) => [name, args.positionals[i]])) as { [K in N[number]]: string };
}

/** A string option's value, or undefined. */
export function option(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}
