/** `desa embed --project DIR [--config tiny|small|paper] [--json]`: stores every star's embeddings from the trained runs. */
import { runJobWithProgress } from '../job-runner';
import { defineCommand, EXIT_CANCELLED, UsageError } from '../registry';

export default defineCommand({
  name: 'embed',
  summary: 'store embeddings (x1, x2, z1, z2, p1, p2, f) for every star of a project',
  usage: 'desa embed --project DIR [--config tiny|small|paper] [--json]',
  options: { project: { type: 'string' }, config: { type: 'string' }, json: { type: 'boolean' } },
  maxArgs: 0,
  async run(ctx) {
    const projectDir = ctx.options.project;
    if (typeof projectDir !== 'string') throw new UsageError('--project DIR is required');
    const size = (ctx.options.config ?? 'tiny') as 'tiny' | 'small' | 'paper';
    if (!['tiny', 'small', 'paper'].includes(size)) throw new UsageError('--config must be tiny, small or paper (the size the project was trained with)');
    const services = await ctx.services();
    const outcome = await runJobWithProgress(ctx, services, () => services.call('embed.start', { projectDir, size }));
    if (outcome.state === 'cancelled') return EXIT_CANCELLED;
    if (outcome.state === 'failed') throw new Error(outcome.error ?? 'embedding failed');
    const r = outcome.result as { stars: number; paired: number; names: string[] };
    await ctx.stdout(ctx.options.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.stars} stars embedded (${r.paired} with both modalities): ${r.names.join(', ')}\n`);
    return 0;
  },
});
