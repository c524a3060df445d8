/**
 * The Electron host: one window showing the renderer, talking to the services over IPC.
 * This folder is the only place in src/main that imports 'electron'.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, shell } from 'electron';
import { createServices, type DesaServices } from '../services/index';
import { registerIpc } from './ipc';

/** Set by `electron-vite dev` to the renderer's dev server; absent in a built app. */
const DEV_RENDERER_URL = process.env.ELECTRON_RENDERER_URL;

function rendererIndex(): string {
  return join(app.getAppPath(), 'out/renderer/index.html');
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'DESA Studio',
    show: false,
    webPreferences: {
      preload: join(app.getAppPath(), 'out/preload/index.mjs'),
      contextIsolation: true,
      // An ESM preload (index.mjs) cannot run in Electron's sandbox; isolation still holds.
      sandbox: false,
      nodeIntegration: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  // Links to the web open in the user's browser, never inside the app.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault();
  });
  if (DEV_RENDERER_URL) void window.loadURL(DEV_RENDERER_URL);
  else void window.loadFile(rendererIndex());
  return window;
}

function isOwnUrl(url: string): boolean {
  if (DEV_RENDERER_URL && url.startsWith(DEV_RENDERER_URL)) return true;
  return url.startsWith(pathToFileURL(join(app.getAppPath(), 'out/renderer')).href);
}

/** `--project DIR` or `--project=DIR` from the command line (as `npm start -- --project DIR` passes it). */
function projectFromArgv(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--project' || a.startsWith('--project='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice('--project='.length) : argv[i + 1];
}

/** The native folder dialog, attached to the focused window. */
async function pickDirectories(title: string): Promise<string[]> {
  const options = { title, properties: ['openDirectory', 'multiSelections'] as ('openDirectory' | 'multiSelections')[] };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/** Starts the desktop app: services, IPC, the main window. */
export async function startElectronApp(): Promise<void> {
  let services: DesaServices | null = null;
  await app.whenReady();
  services = await createServices({
    backend: 'electron',
    projectDir: projectFromArgv(process.argv),
    pickDirectories,
    // Recent projects live with Electron's other per-user state.
    settingsDir: app.getPath('userData'),
  });
  const unregister = registerIpc(services, isOwnUrl);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    unregister();
    void services?.close();
  });
}
