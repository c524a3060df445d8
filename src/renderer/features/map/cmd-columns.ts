/** Finds the columns of an HR diagram among the project's catalogue columns. */
import type { MapColumnInfo } from '../../../shared/contract';

export interface DiagramChoice {
  id: 'cmd' | 'kiel';
  label: string;
  x: string;
  y: string;
  xLabel: string;
  yLabel: string;
  /** Teff is drawn hot to cool. */
  invertX: boolean;
}

const columnName = (c: MapColumnInfo): string => c.id.split(':').slice(2).join(':').toLowerCase();

/** A pair of numeric columns named like `xs` and `ys` in one catalogue (the first such catalogue). */
function pair(columns: MapColumnInfo[], xs: string[], ys: string[]): [string, string] | null {
  const numeric = columns.filter((c) => c.group === 'catalog' && c.kind === 'numeric');
  for (const x of numeric.filter((c) => xs.includes(columnName(c)))) {
    const catalog = x.id.split(':')[1];
    const y = numeric.find((c) => c.id.split(':')[1] === catalog && ys.includes(columnName(c)));
    if (y) return [x.id, y.id];
  }
  return null;
}

/** The diagrams this project can draw: BP−RP vs M_G and/or Teff vs log g. */
export function diagramChoices(columns: MapColumnInfo[]): DiagramChoice[] {
  const out: DiagramChoice[] = [];
  const cmd = pair(columns, ['bp_rp', 'bprp', 'bp-rp'], ['abs_g', 'm_g', 'mg', 'absg', 'g_abs']);
  if (cmd) out.push({ id: 'cmd', label: 'BP−RP vs M_G', x: cmd[0], y: cmd[1], xLabel: 'BP − RP [mag]', yLabel: 'M_G [mag]', invertX: false });
  const kiel = pair(columns, ['teff'], ['logg']);
  if (kiel) out.push({ id: 'kiel', label: 'Teff vs log g', x: kiel[0], y: kiel[1], xLabel: 'Teff [K]', yLabel: 'log g [dex]', invertX: true });
  return out;
}
