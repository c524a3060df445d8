/**
 * The project session file and the recent-projects list, through the services as the GUI calls
 * them: a saved session reads back identically (and Python's json module reads the same file); a
 * corrupt, foreign-version or malformed file is reported naming the file and the problem while the
 * project still opens; saves are atomic and refuse bad fields; recent projects are newest first.
 * Also: closing the services releases the project store the map holds open (another process can
 * then open the DuckDB file, which DuckDB's file lock forbids while any process has it open).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type DesaServices } from '../../../src/main/services/index';
import { readSession, writeSession } from '../../../src/main/services/session-store';
import { UserSettings } from '../../../src/main/services/user-settings';
import { ProjectStore } from '../../../src/main/store/index';
import type { MapSession } from '../../../src/shared/session';
import { repoRoot } from '../../helpers/paths';
import { runPython } from '../../helpers/python';

let work: string;
let projectDir: string;
let services: DesaServices;

const SESSION: MapSession = {
  embedding: 'f',
  layout: 'f',
  colour: { column: 'catalog:gyro_ages.csv:age_gyr', scale: { kind: 'log', range: [0.5, 9.25] } },
  view: { target: [1.25, -3.5], zoom: 4.75 },
  subsets: [{ name: 'young', starIds: ['KIC 10001', 'KIC 10002'] }, { name: 'binaries ∪ young', starIds: ['KIC 10002', 'KIC 10007'] }],
  selection: ['KIC 10007'],
  classification: {
    name: 'age-class', labels: ['young', 'old'], columns: ['derived:age-class', 'derived:age-class:p_young', 'derived:age-class:p_old'],
    accuracy: 0.875, foldAccuracies: [0.75, 1], confusion: [[3, 1], [0, 4]], counts: [4, 4],
    // Fields the Map screen does not read are kept as they are.
    classifier: { kind: 'logistic', l2: 0.01 },
  } as MapSession['classification'],
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'desa-session-'));
  projectDir = join(work, 'project');
  await (await ProjectStore.create(projectDir)).close();
  services = await createServices({ backend: 'server', projectDir, settingsDir: join(work, 'settings') });
});

afterAll(async () => {
  await services?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const sessionFile = () => join(projectDir, 'session.json');

describe('project session', () => {
  it('is absent (no problem) for a project never saved', async () => {
    const r = await services.call('session.load', {});
    expect(r).toEqual({ path: sessionFile(), session: null, problem: null });
  });

  it('round-trips every field through session.save and session.load', async () => {
    const saved = await services.call('session.save', { projectDir, session: SESSION });
    expect(saved.version).toBe(1);
    expect(saved.map).toEqual(SESSION);
    expect(Math.abs(Date.parse(saved.savedAt) - Date.now())).toBeLessThan(60_000);
    const loaded = await services.call('session.load', {});
    expect(loaded.problem).toBeNull();
    expect(loaded.session).toEqual(saved);
    // The file is plain JSON any tool reads: Python's json module sees the same session.
    const py = JSON.parse(await runPython('import json, sys\nprint(json.dumps(json.load(open(sys.argv[1], encoding="utf-8"))))', [sessionFile()]));
    expect(py).toEqual(saved);
    // Atomic write: no temporary file is left beside it.
    expect(readdirSync(projectDir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('reports a corrupt file naming it and the problem, and the project still opens', async () => {
    writeFileSync(sessionFile(), '{"version": 1, "savedAt": "2026-01-01T00:00:00Z", "map": {"subsets": [');
    const status = await services.call('project.open', { dir: projectDir });
    expect(status.projectDir).toBe(projectDir);
    const r = await services.call('session.load', {});
    expect(r.session).toBeNull();
    expect(r.problem).toContain(sessionFile());
    expect(r.problem).toMatch(/not valid JSON/);
  });

  it('reports a session of another format version', async () => {
    writeFileSync(sessionFile(), JSON.stringify({ version: 2, savedAt: '2030-01-01T00:00:00Z', map: {} }));
    const r = await services.call('session.load', {});
    expect(r.session).toBeNull();
    expect(r.problem).toContain(sessionFile());
    expect(r.problem).toMatch(/version 2, but this DESA Studio reads version 1 \(saved by a newer app\)/);
    writeFileSync(sessionFile(), JSON.stringify({ map: {} }));
    expect((await services.call('session.load', {})).problem).toMatch(/not a DESA Studio session \(no 'version' number\)/);
  });

  it('names the bad field of a malformed session', () => {
    const bad = { ...SESSION, subsets: [{ name: 'a', starIds: ['KIC 1', 42] }] };
    writeFileSync(sessionFile(), JSON.stringify({ version: 1, savedAt: '2026-01-01T00:00:00Z', map: bad }));
    const r = readSession(projectDir);
    expect(r.session).toBeNull();
    expect(r.problem).toBe(`${sessionFile()}: bad session: 'map.subsets[0].starIds[1]' must be a string; the session was not restored`);
    const twice = { ...SESSION, subsets: [{ name: 'a', starIds: [] }, { name: 'a', starIds: [] }] };
    writeFileSync(sessionFile(), JSON.stringify({ version: 1, savedAt: '2026-01-01T00:00:00Z', map: twice }));
    expect(readSession(projectDir).problem).toMatch(/'map.subsets' names the subset 'a' twice/);
    const badConfusion = { ...SESSION, classification: { ...SESSION.classification, confusion: [[3, 1], [0, 'four']] } };
    writeFileSync(sessionFile(), JSON.stringify({ version: 1, savedAt: '2026-01-01T00:00:00Z', map: badConfusion }));
    expect(readSession(projectDir).problem).toMatch(/'map.classification.confusion\[1\]\[1\]' must be a finite number/);
  });

  it('refuses to save a malformed session or into another project, keeping the file as it was', async () => {
    const good = writeSession(projectDir, SESSION);
    const before = readFileSync(sessionFile(), 'utf8');
    const badScale = { ...SESSION, colour: { column: 'star:ra', scale: { kind: 'sqrt', range: null } } };
    await expect(services.call('session.save', { projectDir, session: badScale as never }))
      .rejects.toMatchObject({ code: 'bad-request', message: "session.save: 'session.colour.scale.kind' must be 'linear' or 'log'" });
    const badRange = { ...SESSION, colour: { column: 'star:ra', scale: { kind: 'linear', range: [3, 1] } } };
    await expect(services.call('session.save', { projectDir, session: badRange as never })).rejects.toThrow(/'session.colour.scale.range' must be null or two finite numbers/);
    await expect(services.call('session.save', { projectDir: join(work, 'elsewhere'), session: SESSION })).rejects.toThrow(/is not the open project/);
    expect(readFileSync(sessionFile(), 'utf8')).toBe(before);
    expect(readSession(projectDir).session).toEqual(good);
  });
});

describe('recent projects', () => {
  it('lists opened projects newest first, once each, marking folders that no longer hold a project', async () => {
    const second = join(work, 'second');
    await services.call('project.create', { dir: second });
    await services.call('project.open', { dir: projectDir });
    await services.call('project.open', { dir: second });
    const { projects } = await services.call('app.recentProjects', {});
    expect(projects.map((p) => p.dir)).toEqual([second, projectDir]);
    expect(projects.every((p) => p.exists)).toBe(true);
    expect(Date.parse(projects[0].openedAt)).toBeGreaterThanOrEqual(Date.parse(projects[1].openedAt));
    rmSync(second, { recursive: true, force: true });
    expect((await services.call('app.recentProjects', {})).projects.map((p) => p.exists)).toEqual([false, true]);
    await services.call('project.open', { dir: projectDir });
  });

  it('sets a damaged settings file aside and starts a new list', () => {
    const dir = join(work, 'damaged-settings');
    const settings = new UserSettings(dir);
    settings.addRecentProject(projectDir);
    writeFileSync(settings.file, 'not json');
    expect(settings.recentProjects()).toEqual([]);
    expect(existsSync(`${settings.file}.bad`)).toBe(true);
    settings.addRecentProject(projectDir);
    expect(settings.recentProjects().map((p) => p.dir)).toEqual([projectDir]);
  });

  it('keeps no list for the CLI', async () => {
    const cli = await createServices({ backend: 'cli', projectDir });
    expect(await cli.call('app.recentProjects', {})).toEqual({ projects: [] });
    await cli.close();
  });
});

describe('services.close', () => {
  /** Whether another process can open the project's DuckDB file (DuckDB locks it per process). */
  function otherProcessCanOpen(): { ok: boolean; output: string } {
    const script = `import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create(process.argv[1]); const c = await i.connect(); c.closeSync(); i.closeSync(); console.log('opened');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, join(projectDir, 'store.duckdb')], { cwd: repoRoot(), encoding: 'utf8', timeout: 60_000 });
    return { ok: r.status === 0 && r.stdout.includes('opened'), output: `${r.stdout}${r.stderr}` };
  }

  it('closes the project store the map service keeps open between requests', async () => {
    const own = await createServices({ backend: 'cli', projectDir });
    // The project-service helpers above closed their stores; only the map keeps one open.
    await services.close();
    await own.call('map.columns', {});
    const whileHeld = otherProcessCanOpen();
    expect(whileHeld.ok, whileHeld.output).toBe(false);
    expect(whileHeld.output).toMatch(/lock/i);
    await own.close();
    const afterClose = otherProcessCanOpen();
    expect(afterClose.ok, afterClose.output).toBe(true);
  }, 120_000);
});
