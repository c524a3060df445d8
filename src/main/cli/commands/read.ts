/**
 * `desa read FILE --json`: the parsed Spectrum or LightCurve with every array in full (NaN → null,
 * typed arrays → JSON arrays, bigint → strings). Without --json, a short summary.
 */
import type { SurveyRecordJson } from '../../../shared/contract';
import { defineCommand } from '../registry';

export default defineCommand({
  name: 'read',
  summary: 'read a LAMOST spectrum or Kepler/K2 light curve into the shared data model',
  usage: 'desa read FILE [--json]',
  options: { json: { type: 'boolean' } },
  minArgs: 1,
  maxArgs: 1,
  async run(ctx) {
    const services = await ctx.services();
    const record = await services.call('survey.read', { path: ctx.args[0] });
    await ctx.stdout(ctx.options.json ? `${JSON.stringify(record)}\n` : summarise(record));
  },
});

function summarise(record: SurveyRecordJson): string {
  switch (record.kind) {
    case 'spectrum':
      return (
        `LAMOST ${record.dataRelease} spectrum (${record.layout})  obsid ${record.obsid ?? '-'}  ` +
        `RA ${record.ra} Dec ${record.dec}\n${record.wavelength.length} pixels, ` +
        `class ${record.objectClass ?? '-'} ${record.subclass ?? ''}\n`
      );
    case 'lightcurve':
      return (
        `${record.survey} light curve  id ${record.targetId}  ` +
        `${record.quarter !== null ? `Q${record.quarter}` : `C${record.campaign}`}\n${record.time.length} cadences\n`
      );
    default:
      return `${record.product}: ${record.reason}\n`;
  }
}
