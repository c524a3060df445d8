/** `desa serve [--project DIR] [--port N]`: the headless server for a browser on this machine. */
import { runServer } from '../../server/run';
import { defineCommand, UsageError } from '../registry';

export default defineCommand({
  name: 'serve',
  summary: 'run the headless server (loopback only, token-protected) and print the URL to open',
  usage: 'desa serve [--project DIR] [--port N]',
  options: { project: { type: 'string' }, port: { type: 'string' } },
  maxArgs: 0,
  async run(ctx) {
    const port = ctx.options.port === undefined ? 0 : Number(ctx.options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${ctx.options.port}`);
    const projectDir = typeof ctx.options.project === 'string' ? ctx.options.project : undefined;
    await runServer({ projectDir, port, log: (line) => void ctx.stdout(`${line}\n`) });
    // Keep running until runServer's SIGINT handler exits the process.
    await new Promise<never>(() => undefined);
  },
});
