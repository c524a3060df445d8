/** `desa status --project DIR [--json]`: what a project holds. */
import type { ProjectStatus } from '../../../shared/contract';
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

/** Human form of a ProjectStatus: scalar counts as a two-column table, then skipped files. */
export function formatStatus(status: ProjectStatus): string {
  const rows: string[][] = [];
  const lists: string[] = [];
  for (const [key, value] of Object.entries(status)) {
    if (value === null || typeof value !== 'object') rows.push([key, String(value)]);
    else if (Array.isArray(value)) lists.push(`${key}: ${value.length}`);
    else for (const [k, v] of Object.entries(value)) rows.push([`${key}.${k}`, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
  }
  return `${formatTable(['', ''], rows)}${lists.length ? `${lists.join('\n')}\n` : ''}`;
}
