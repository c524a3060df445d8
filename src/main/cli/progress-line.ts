/** Formats JobProgress as the one-line status the CLI prints on stderr. */
import { formatDuration, formatRate } from '../../shared/format';
import type { JobProgress } from '../../shared/jobs';

/** e.g. "ingest · reading files  57/192 files  12.3 files/s  ETA 0:11". */
export function formatProgress(p: JobProgress): string {
  // A phase announcement with nothing counted yet (no unit, no total) is just its label.
  if (!p.unit && p.total === null && p.done === 0 && p.rate === null) {
    return `${p.kind}${p.phase ? ` · ${p.phase}` : ''}${p.message ? `  ${p.message}` : ''}`;
  }
  const count = p.total !== null ? `${p.done}/${p.total}` : `${p.done}`;
  const parts = [`${p.kind}${p.phase ? ` · ${p.phase}` : ''}`, `${count} ${p.unit}`];
  parts.push(p.rate !== null ? `${formatRate(p.rate)} ${p.unit}/s` : '-- /s');
  parts.push(`ETA ${p.etaSeconds !== null ? formatDuration(p.etaSeconds) : '--'}`);
  if (p.message) parts.push(p.message);
  return parts.join('  ');
}
