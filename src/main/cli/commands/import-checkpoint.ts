/** `desa import-checkpoint FILE.pth --out DIR [--json]`: the authors' PyTorch weights into our format. */
import { defineCommand, UsageError } from '../registry';

export default defineCommand({
  name: 'import-checkpoint',
  summary: "convert the authors' torch.save checkpoint (.pth) into a DESA weights folder",
  usage: 'desa import-checkpoint FILE.pth --out DIR [--json]',
  options: { out: { type: 'string' }, json: { type: 'boolean' } },
  minArgs: 1,
  maxArgs: 1,
  async run(ctx) {
    const outDir = ctx.options.out;
    if (typeof outDir !== 'string') throw new UsageError('--out DIR is required');
    const services = await ctx.services();
    const summary = await services.call('checkpoint.import', { path: ctx.args[0], outDir });
    await ctx.stdout(
      ctx.options.json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `${summary.tensorCount} tensors (${summary.valueCount} values) written to ${summary.outDir}\n`,
    );
  },
});
