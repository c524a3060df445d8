/** `desa status --project DIR [--json]`: what a project holds. */
import type { ProjectStatus } from '../../../shared/contract';
import type { ProjectCounts } from '../../../shared/project';
import { defineCommand, UsageError } from '../registry';
import { formatTable } from '../table';

export default defineCommand({
  name: 'status',
  summary: "show a project's contents: stars, spectra, light curves, matches, skipped files",
  usage: 'desa status --project DIR [--json]',
  options: { project: { type: 'string' }, json: { type: 'boolean' } },
  maxArgs: 0,
  async run(ctx) {
    const dir = ctx.options.project;
    if (typeof dir !== 'string') throw new UsageError('--project DIR is required');
    const services = await ctx.services();
    const status = await services.call('project.open', { dir });
    await ctx.stdout(ctx.options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  },
});

/** The project's counts as a two-column table. */
export function formatCounts(c: ProjectCounts): string {
  return formatTable(['', ''], [
    ['stars', String(c.stars)],
    ['spectra', String(c.spectra)],
    ['light curves', `${c.lightCurves} (${c.lightCurveStars} stars)`],
    ['matched pairs', `${c.matchedPairs} (${c.matchedStars} stars with both)`],
    ['skipped files', String(c.skippedFiles)],
    ['recognised, not used', String(c.recognisedFiles)],
    ['catalogs', `${c.catalogs} (${c.crossmatches} rows matched)`],
  ]);
}

function formatStatus(status: ProjectStatus): string {
  const lines = [`project ${status.projectDir} (schema ${status.schemaVersion}, created ${status.createdAt})\n`, formatCounts(status.counts)];
  for (const s of status.skipped) lines.push(`skipped: ${s.reason}\n`);
  for (const r of status.recognised) lines.push(`not used (${r.product}): ${r.path}\n`);
  for (const c of status.catalogs) lines.push(`catalog ${c.name}: ${c.rows} rows, key ${c.key}, ${c.matchedRows} matched\n`);
  return lines.join('');
}
