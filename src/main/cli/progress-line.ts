/** Formats JobProgress as the one-line status the CLI prints on stderr. */
import type { JobProgress } from '../../shared/jobs';

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** e.g. "ingest · reading files  57/192 files  12.3 files/s  ETA 0:11". */
export function formatProgress(p: JobProgress): string {
  const count = p.total !== null ? `${p.done}/${p.total}` : `${p.done}`;
  const parts = [`${p.kind}${p.phase ? ` · ${p.phase}` : ''}`, `${count} ${p.unit}`];
  parts.push(p.rate !== null ? `${p.rate.toFixed(p.rate < 10 ? 1 : 0)} ${p.unit}/s` : '-- /s');
  parts.push(`ETA ${p.etaSeconds !== null ? formatDuration(p.etaSeconds) : '--'}`);
  if (p.message) parts.push(p.message);
  return parts.join('  ');
}
