import type { TrainConfig } from '../../shared/training';

/** Learning rate at optimiser step `step` (1-based): linear warm-up, then constant or cosine decay. */
export function learningRate(cfg: Pick<TrainConfig, 'lr' | 'minLr' | 'schedule' | 'warmupSteps' | 'steps'>, step: number): number {
  if (cfg.warmupSteps > 0 && step <= cfg.warmupSteps) return (cfg.lr * step) / cfg.warmupSteps;
  if (cfg.schedule === 'constant') return cfg.lr;
  const span = Math.max(1, cfg.steps - cfg.warmupSteps);
  const progress = Math.min(1, (step - cfg.warmupSteps) / span);
  return cfg.minLr + 0.5 * (cfg.lr - cfg.minLr) * (1 + Math.cos(Math.PI * progress));
}
