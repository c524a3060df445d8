/**
 * Running the Python reference tools (astropy, numpy, torch) from tests and benches.
 *
 * Always the Debian interpreter /usr/bin/python3: the pyenv `python3` on PATH lacks astropy.
 * Reference tools missing is a setup error in CI, so helpers here throw clear messages
 * rather than letting tests skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The interpreter used for every reference computation. */
export const PYTHON = '/usr/bin/python3';

/**
 * Runs a Python script and resolves with its stdout.
 *
 * @param script Python source code, or the path of an existing `.py` file.
 * @param args   Extra arguments, visible to the script as `sys.argv[1:]`.
 * @throws Error with the exit code and stderr when the script fails.
 */
export function runPython(script: string, args: string[] = []): Promise<string> {
  const isFile = script.endsWith('.py') && !script.includes('\n') && existsSync(script);
  const argv = isFile ? [script, ...args] : ['-', ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => reject(new Error(`cannot start ${PYTHON}: ${e.message}`)));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0) resolve(stdout);
      else reject(new Error(`${PYTHON} exited with code ${code}:\n${Buffer.concat(err).toString('utf8')}`));
    });
    if (!isFile) child.stdin.end(script);
    else child.stdin.end();
  });
}

let astropyAvailable: boolean | undefined;

/** True when /usr/bin/python3 can import astropy and numpy (checked once per process). */
export function hasAstropy(): boolean {
  if (astropyAvailable === undefined) {
    const probe = spawnSync(PYTHON, ['-c', 'import astropy, numpy'], { stdio: 'ignore' });
    astropyAvailable = probe.status === 0;
  }
  return astropyAvailable;
}

/** Throws a clear error when astropy is missing: parity tests must fail, not skip. */
export function requireAstropy(): void {
  if (!hasAstropy()) {
    throw new Error(`${PYTHON} cannot import astropy/numpy: install python3-astropy (apt) to run parity tests`);
  }
}

/** True when an executable of this name is on PATH (e.g. `fitsverify`, `stilts`). */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
