/**
 * Side-effect module: installs a Node ESM resolve hook so tfjs-core's gradient registrations load
 * outside bundlers. tfjs-core registers its gradients only from its ESM build
 * (`@tensorflow/tfjs-core/dist/register_all_gradients`), whose files import extensionless paths such
 * as './gradients' where both gradients.js and a gradients/ folder exist: bundlers pick the file,
 * Node's resolver refuses. The hook retries such specifiers with '.js'. Import this module first in
 * every Node entry point (Electron main, server, CLI, scripts/node-hooks/register.mjs for benches);
 * the hook travels as a data: URL so a packaged app needs no extra file on disk.
 */
import { register } from 'node:module';

const HOOK = `
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    const inTfjs = (specifier.startsWith('.') && context.parentURL?.includes('/@tensorflow/'))
      || specifier.startsWith('@tensorflow/tfjs-core/dist/');
    if ((e?.code === 'ERR_UNSUPPORTED_DIR_IMPORT' || e?.code === 'ERR_MODULE_NOT_FOUND') && inTfjs && !specifier.endsWith('.js')) {
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
