// Node ESM resolve hook. @tensorflow/tfjs-core's ESM build (needed for its gradient registrations,
// which its CommonJS main lacks) imports './gradients' where both gradients.js and a gradients/
// folder exist; bundlers pick the file, Node's ESM resolver refuses the folder. Retry with '.js'.
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    if ((e?.code === 'ERR_UNSUPPORTED_DIR_IMPORT' || e?.code === 'ERR_MODULE_NOT_FOUND') && specifier.startsWith('.') && !specifier.endsWith('.js')
      && context.parentURL?.includes('/@tensorflow/')) {
      return nextResolve(`${specifier}.js`, context);
    }
    throw e;
  }
}
