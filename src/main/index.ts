/** Electron main-process entry (package.json "main" → out/main/index.js). */
import './platform/tfjs-resolve-hook';
import { startElectronApp } from './electron/app';

startElectronApp().catch((err: unknown) => {
  console.error('DESA Studio failed to start:', err);
  process.exit(1);
});
