/**
 * The CLI's command registry. A command is one file in ./commands exporting a `CliCommand`, listed
 * once in ./commands/index.ts; main.ts does argument parsing, errors and exit codes for all of them.
 */
import type { ParseArgsConfig } from 'node:util';
import type { DesaServices } from '../services/index';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** What a command's `run` receives. */
export interface CliContext {
  /** Positional arguments after the command name. */
  args: string[];
  /** Parsed options (strings / booleans / string arrays as declared). */
  options: Record<string, string | boolean | string[] | undefined>;
  /** The services, created on first use (commands that need none never open a store). */
  services(): Promise<DesaServices>;
  /** Aborted on the first Ctrl-C. */
  signal: AbortSignal;
  stdout: (text: string) => Promise<void>;
  stderr: (text: string) => void;
}

export interface CliCommand {
  name: string;
  /** One line for `desa --help`. */
  summary: string;
  /** Usage line, e.g. 'desa info FILE [--json]'. */
  usage: string;
  options?: CliOptions;
  /** Minimum number of positional arguments. */
  minArgs?: number;
  maxArgs?: number;
  /** Returns the exit code (0 when omitted). */
  run(ctx: CliContext): Promise<number | void>;
}

/** Identity helper so command files get full typing without naming the interface. */
export function defineCommand(command: CliCommand): CliCommand {
  return command;
}

/** Thrown for wrong usage; main prints the message and the command's usage line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit code for a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_CANCELLED = 130;
