/** `desa info FILE [--json]`: HDUs, header cards and table columns of a FITS file, like fitsinfo. */
import { defineCommand } from '../registry';

export default defineCommand({
  name: 'info',
  summary: 'describe a FITS file: HDUs, header cards, columns with formats and units',
  usage: 'desa info FILE [--json]',
  options: { json: { type: 'boolean' } },
  minArgs: 1,
  maxArgs: 1,
  async run(ctx) {
    const services = await ctx.services();
    const info = await services.call('fits.info', { path: ctx.args[0] });
    if (ctx.options.json) {
      const { text: _text, ...structure } = info;
      await ctx.stdout(`${JSON.stringify(structure, null, 2)}\n`);
    } else {
      await ctx.stdout(info.text.endsWith('\n') ? info.text : `${info.text}\n`);
    }
  },
});
