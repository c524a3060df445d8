/**
 * `desa`: the command-line host of DESA Studio's services.
 *
 *   desa <command> [arguments] [--debug]
 *
 * Errors print one line naming the file and the problem and exit non-zero; `--debug` adds the
 * stack trace. Ctrl-C cancels a running job cleanly (what was committed stays) and exits 130.
 */
import '../platform/tfjs-resolve-hook';
import { parseArgs } from 'node:util';
import { ContractError } from '../../shared/contract';
import { CancelledError } from '../../shared/jobs';
import { createServices, type DesaServices } from '../services/index';
import { APP_VERSION } from '../services/version';
import { COMMANDS } from './commands/index';
import { EXIT_CANCELLED, UsageError, type CliCommand, type CliContext } from './registry';

const GLOBAL_OPTIONS = { debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

/** Runs one CLI invocation and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await writeOut(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    await writeOut(`desa ${APP_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`desa: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }

  const controller = new AbortController();
  let services: DesaServices | null = null;
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_CANCELLED); // second Ctrl-C: stop now
    process.stderr.write('\ndesa: stopping… (Ctrl-C again to stop at once)\n');
    controller.abort(new CancelledError('cancelled by Ctrl-C'));
  };
  process.on('SIGINT', onSigint);
  try {
    const ctx = makeContext(command, rest, controller.signal, async () => {
      services ??= await createServices({ backend: 'cli' });
      return services;
    });
    if (ctx.options.help) {
      await writeOut(commandHelp(command));
      return 0;
    }
    return (await command.run(ctx)) ?? 0;
  } catch (err) {
    return reportError(command, err, debug);
  } finally {
    process.off('SIGINT', onSigint);
    await (services as DesaServices | null)?.close();
  }
}

function makeContext(
  command: CliCommand,
  argv: string[],
  signal: AbortSignal,
  services: () => Promise<DesaServices>,
): CliContext {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const args = parsed.positionals;
  if (!parsed.values.help) {
    if (args.length < (command.minArgs ?? 0)) throw new UsageError('missing argument');
    if (command.maxArgs !== undefined && args.length > command.maxArgs) throw new UsageError(`unexpected argument '${args[command.maxArgs]}'`);
  }
  return {
    args,
    options: parsed.values as CliContext['options'],
    services,
    signal,
    stdout: writeOut,
    stderr: (text) => void process.stderr.write(text),
  };
}

/** Writes to stdout and waits until it is flushed (large JSON must not be cut off by exit). */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (err) => (err ? reject(err) : resolve())));
}

function reportError(command: CliCommand, err: unknown, debug: boolean): number {
  if (err instanceof CancelledError || (err instanceof ContractError && /cancel/i.test(err.message) && err.code === 'internal')) {
    process.stderr.write(`desa ${command.name}: cancelled\n`);
    return EXIT_CANCELLED;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`desa ${command.name}: ${err.message}\nusage: ${command.usage}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`desa ${command.name}: ${message}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `DESA Studio ${APP_VERSION}\n\nusage: desa <command> [arguments] [--debug]\n\ncommands:\n${lines.join('\n')}\n\n` +
    `Run 'desa <command> --help' for a command's options.\n`;
}

function commandHelp(command: CliCommand): string {
  const opts = Object.entries(command.options ?? {}).map(([name, o]) => `  --${name}${o.type === 'string' ? ' VALUE' : ''}`);
  return `${command.summary}\n\nusage: ${command.usage}\n${opts.length ? `\noptions:\n${opts.join('\n')}\n` : ''}`;
}

// Run when executed as the program (node out/main/cli/main.js, or via bin/desa.js), not when imported by tests.
if (process.argv[1] && /[\\/]cli[\\/]main\.(ts|js)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`desa: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
