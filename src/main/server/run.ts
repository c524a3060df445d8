/**
 * Runs the headless server until Ctrl-C: the one start-up path shared by `desa serve`,
 * `npm start` without Electron, and out/main/server/main.js.
 */
import { createServices } from '../services/index';
import { startServer, type RunningServer } from './index';

export interface RunServerOptions {
  projectDir?: string;
  port?: number;
  /** Where to print the URL; stdout by default. */
  log?: (line: string) => void;
}

/** Starts services and server, prints the URL with the token, and stops cleanly on SIGINT/SIGTERM. */
export async function runServer(options: RunServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const services = await createServices({ backend: 'server', projectDir: options.projectDir });
  const server = await startServer({ services, port: options.port });
  log('DESA Studio headless server (loopback only). Open this URL in a browser on this machine:');
  log(`  ${server.url}`);
  if (options.projectDir) log(`Project: ${services.project.dir}`);
  log('Press Ctrl-C to stop.');
  const stop = (): void => {
    void (async () => {
      await services.close();
      await server.close();
      process.exit(0);
    })();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
