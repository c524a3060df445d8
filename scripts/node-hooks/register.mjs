// `node --import tsx --import ./scripts/node-hooks/register.mjs FILE.ts` (benches, test children):
// installs the tfjs resolve hook; src/main/platform/tfjs-resolve-hook.ts explains why.
await import('../../src/main/platform/tfjs-resolve-hook.ts');
