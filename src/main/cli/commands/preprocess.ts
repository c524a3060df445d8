/**
 * `desa preprocess FILE... [--preset P] [--model-input-only] [--json]`: the DESA model input of one
 * LAMOST spectrum, or of one star's Kepler/K2 quarter files (stitched in quarter order).
 */
import type { Params } from '../../../shared/contract';
import { defineCommand, UsageError } from '../registry';

const PRESETS = ['paper', 'code', 'paper_rv', 'restframe_z'] as const;
type Preset = NonNullable<Params<'preprocess.file'>['spectrumPreset']>;

export default defineCommand({
  name: 'preprocess',
  summary: 'preprocess a spectrum (or one star\'s light-curve quarters) into DESA model inputs',
  usage: `desa preprocess FILE... [--preset ${PRESETS.join('|')}] [--model-input-only] [--json]`,
  options: { preset: { type: 'string' }, 'model-input-only': { type: 'boolean' }, json: { type: 'boolean' } },
  minArgs: 1,
  async run(ctx) {
    const preset = ctx.options.preset ?? 'paper';
    if (!PRESETS.includes(preset as Preset)) throw new UsageError(`--preset must be one of ${PRESETS.join(', ')}, got '${String(preset)}'`);
    const services = await ctx.services();
    const result = await services.call('preprocess.file', {
      paths: ctx.args,
      spectrumPreset: preset as Preset,
      modelInputOnly: ctx.options['model-input-only'] === true,
    });
    if (ctx.options.json) {
      await ctx.stdout(`${JSON.stringify(result)}\n`);
      return;
    }
    const lines = [
      `${result.kind} from ${result.sources.length} file(s): ${JSON.stringify(result.object)}`,
      `model input: ${result.modelInputs.length} view(s) of shape (${result.inputShape.join(', ')})`,
      ...result.notes.map((n) => `note: ${n}`),
    ];
    await ctx.stdout(`${lines.join('\n')}\n`);
  },
});
