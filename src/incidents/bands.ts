// Restart-count bands: a thread hears about restarts only when the count moves into a higher band,
// not on every notification Alertmanager repeats.

export const RESTART_BANDS = [
  { band: 1, min: 1, label: '1–4 restarts' },
  { band: 2, min: 5, label: '5–19 restarts' },
  { band: 3, min: 20, label: '20–99 restarts' },
  { band: 4, min: 100, label: '100+ restarts' },
] as const;

/** 0 when unknown or zero. */
export function restartBand(restartCount: number | undefined): number {
  if (restartCount === undefined || !Number.isFinite(restartCount)) return 0;
  let band = 0;
  for (const b of RESTART_BANDS) if (restartCount >= b.min) band = b.band;
  return band;
}

export function bandLabel(band: number): string {
  return RESTART_BANDS.find((b) => b.band === band)?.label ?? 'no restart count';
}
