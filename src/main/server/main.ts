/**
 * Entry of the standalone headless server (out/main/server/main.js), started by `npm start` when
 * the Electron binary is missing. Arguments: [--project DIR] [--port N].
 */
import '../platform/tfjs-resolve-hook';
import { parseArgs } from 'node:util';
import { runServer } from './run';

const { values } = parseArgs({
  options: { project: { type: 'string' }, port: { type: 'string' } },
  allowPositionals: false,
});

runServer({ projectDir: values.project, port: values.port ? Number(values.port) : undefined }).catch((err: unknown) => {
  process.stderr.write(`desa server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
