/**
 * Side-effect module: installs the Node ESM resolve hook that lets tfjs-core's gradient registrations
 * load outside bundlers (see scripts/node-hooks/resolve-tfjs.mjs for why). Import it first in every
 * Node entry point (Electron main, server, CLI); the hook travels as a data: URL so a packaged app
 * needs no extra file on disk.
 */
import { register } from 'node:module';

const HOOK = `
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    if ((e?.code === 'ERR_UNSUPPORTED_DIR_IMPORT' || e?.code === 'ERR_MODULE_NOT_FOUND') && specifier.startsWith('.')
      && !specifier.endsWith('.js') && context.parentURL?.includes('/@tensorflow/')) {
      return nextResolve(specifier + '.js', context);
    }
    throw e;
  }
}`;

const key = Symbol.for('desa.tfjsResolveHook');
const g = globalThis as Record<symbol, unknown>;
if (!g[key] && typeof register === 'function') {
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
  g[key] = true;
}
