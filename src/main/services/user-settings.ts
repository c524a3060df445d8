/**
 * The app's user settings (`<settings dir>/settings.json`): for now the list of recently opened
 * projects, newest first. The settings folder is the host's (Electron's userData folder), else
 * $DESA_SETTINGS_DIR, else $XDG_CONFIG_HOME/desa-studio (~/.config/desa-studio). A damaged
 * settings file is set aside as `settings.json.bad` and started afresh rather than blocking the app.
 */
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { RecentProject } from '../../shared/session';
import { writeJsonAtomic } from './session-store';

/** How many recent projects are kept. */
export const RECENT_LIMIT = 12;

interface SettingsFile {
  version: 1;
  recentProjects: { dir: string; openedAt: string }[];
}

/** The default settings folder for a host without its own (the headless server). */
export function defaultSettingsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DESA_SETTINGS_DIR) return path.resolve(env.DESA_SETTINGS_DIR);
  const config = env.XDG_CONFIG_HOME ? path.resolve(env.XDG_CONFIG_HOME) : path.join(homedir(), '.config');
  return path.join(config, 'desa-studio');
}

export class UserSettings {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'settings.json');
  }

  /** Recently opened projects, newest first, each marked with whether its folder still holds a project. */
  recentProjects(): RecentProject[] {
    return this.read().recentProjects.map((r) => ({ ...r, exists: isProject(r.dir) }));
  }

  /** Moves `dir` to the top of the recent projects. */
  addRecentProject(dir: string, now: Date = new Date()): void {
    const abs = path.resolve(dir);
    const settings = this.read();
    settings.recentProjects = [{ dir: abs, openedAt: now.toISOString() }, ...settings.recentProjects.filter((r) => r.dir !== abs)].slice(0, RECENT_LIMIT);
    writeJsonAtomic(this.file, settings);
  }

  private read(): SettingsFile {
    const fresh: SettingsFile = { version: 1, recentProjects: [] };
    if (!existsSync(this.file)) return fresh;
    try {
      const json = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<SettingsFile>;
      const recent = Array.isArray(json.recentProjects) ? json.recentProjects : [];
      return { version: 1, recentProjects: recent.filter((r) => typeof r?.dir === 'string' && typeof r?.openedAt === 'string') };
    } catch {
      renameSync(this.file, `${this.file}.bad`); // keep it for the user to look at; start a new list
      return fresh;
    }
  }
}

/** The store's database file (STORE_FILE of src/main/store, not imported here: that loads DuckDB). */
const STORE_FILE = 'store.duckdb';

/** Whether `dir` looks like a project folder (holds the project database). */
function isProject(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && existsSync(path.join(dir, STORE_FILE));
  } catch {
    return false;
  }
}
