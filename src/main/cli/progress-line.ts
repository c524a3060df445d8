/** Formats JobProgress as the one-line status the CLI prints on stderr. */
import { formatDuration, formatRate } from '../../shared/format';
import type { JobProgress } from '../../shared/jobs';

/** e.g. "ingest · reading files  57/192 files  12.3 files/s  ETA 0:11". */
export function formatProgress(p: JobProgress): string {
  const label = `${p.kind}${p.phase ? ` · ${p.phase}` : ''}`;
  // A phase with nothing counted and nothing to count towards (a log line, a phase just begun) has
  // no count, rate or ETA to show: "0 -- /s ETA --" would only be noise.
  if (p.total === null && p.done === 0 && p.rate === null) return p.message ? `${label}  ${p.message}` : label;
  const count = p.total !== null ? `${p.done}/${p.total}` : `${p.done}`;
  const parts = [label, p.unit ? `${count} ${p.unit}` : count];
  parts.push(p.rate !== null ? `${formatRate(p.rate)} ${p.unit}/s` : '-- /s');
  parts.push(`ETA ${p.etaSeconds !== null ? formatDuration(p.etaSeconds) : '--'}`);
  if (p.message) parts.push(p.message);
  return parts.join('  ');
}
