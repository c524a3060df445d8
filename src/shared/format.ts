/** Formatting shared by the CLI's progress line and the GUI's progress bar, so both read the same. */

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A rate with one decimal below 10 and none above, e.g. "3.4" or "125". */
export function formatRate(rate: number): string {
  return rate.toFixed(rate < 10 ? 1 : 0);
}
