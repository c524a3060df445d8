/**
 * Multimodal MoCo baseline (nn/moco.py `MultimodalMoCo`, digest §7), with the momentum encoder
 * actually working — in the reference `_momentum_update` refers to attributes that do not exist, so
 * the key encoder silently stays at its initialisation.
 *
 * - query encoder f_q (trainable) and key encoder f_k (an exact copy at start, then an EMA of f_q:
 *   θ_k ← m·θ_k + (1 − m)·θ_q after every optimiser step);
 * - one FIFO queue of past keys per modality (K × d, unit rows);
 * - loss_s = InfoNCE(q_s, k_l; negatives = LC queue), loss_l symmetric, loss = their mean;
 * - representation q = q_s + q_l.
 * MoCo-clean is the same model trained on batches from `uniqueStarBatches` (one row per star).
 */
import { tf } from '../tf';
import type { Tensor, Variable } from '../tf';
import { Module } from '../params';
import { infoNceLoss } from '../../losses/contrastive';
import type { BaselineBatch, BaselineModel } from './baseline';
import { ScalarTokenTransformer, type ScalarTokenTransformerConfig } from './scalar-token-transformer';

export interface MocoConfig {
  encoder: ScalarTokenTransformerConfig;
  /** Queue length K (4096 in the reference config). */
  queueSize: number;
  /** EMA momentum m (0.9 in the reference config). */
  momentum: number;
  /** InfoNCE temperature T (0.05 in the reference config). */
  temperature: number;
  /** Seed of the random initial queues. */
  seed?: number;
}

export class MultimodalMoco extends Module implements BaselineModel {
  readonly name = 'moco';
  readonly queryEncoder: ScalarTokenTransformer;
  readonly keyEncoder: ScalarTokenTransformer;
  /** Queues of past keys, (K, d) rows, unit norm. */
  readonly queueSpectra: Variable;
  readonly queueLightCurve: Variable;
  /** Next row to overwrite (shared by both queues, which advance together). */
  private queuePointer = 0;
  private pendingKeys: { spectra: Tensor; lightCurve: Tensor } | null = null;

  constructor(readonly config: MocoConfig) {
    super();
    this.queryEncoder = this.child('encoder_q', new ScalarTokenTransformer(config.encoder));
    this.keyEncoder = this.child('encoder_k', new ScalarTokenTransformer(config.encoder));
    this.copyQueryToKey();
    const d = config.encoder.outputDim;
    const seed = config.seed ?? 0;
    const unitRows = (s: number) => tf.tidy(() => {
      const q = tf.randomNormal([config.queueSize, d], 0, 1, 'float32', s);
      return tf.div(q, tf.norm(q, 'euclidean', 1, true));
    });
    this.queueSpectra = this.buffer('queue_spectra', unitRows(seed + 1));
    this.queueLightCurve = this.buffer('queue_lc', unitRows(seed + 2));
  }

  /** Only the query encoder is optimised; the key encoder follows it by EMA. */
  override get trainableVariables(): Variable[] {
    return this.queryEncoder.trainableVariables;
  }

  /** Index of the next queue row to be overwritten. */
  get queuePosition(): number {
    return this.queuePointer;
  }

  loss(batch: BaselineBatch, training: boolean): Tensor {
    const { temperature } = this.config;
    const qS = this.queryEncoder.forward(batch.spectraFeatures, batch.latent, training);
    const qL = this.queryEncoder.forward(batch.lightCurveFeatures, batch.latent, training);
    // Keys come from variables that are not optimised, so no gradient flows into them.
    const kS = this.keyEncoder.forward(batch.spectraFeatures, batch.latent, false);
    const kL = this.keyEncoder.forward(batch.lightCurveFeatures, batch.latent, false);
    const loss = tf.tidy(() =>
      tf.div(
        tf.add(
          infoNceLoss(qS, kL, this.queueLightCurve, { temperature }),
          infoNceLoss(qL, kS, this.queueSpectra, { temperature }),
        ),
        2,
      ),
    );
    if (training) {
      this.disposePendingKeys();
      this.pendingKeys = { spectra: tf.keep(kS), lightCurve: tf.keep(kL) };
    } else tf.dispose([kS, kL]);
    tf.dispose([qS, qL]);
    return loss;
  }

  /** After an optimiser step: EMA update of the key encoder, then enqueue the step's keys. */
  afterStep(): void {
    this.momentumUpdate();
    if (this.pendingKeys) {
      this.enqueue(this.pendingKeys.spectra, this.pendingKeys.lightCurve);
      this.disposePendingKeys();
    }
  }

  /** θ_k ← m·θ_k + (1 − m)·θ_q for every weight. */
  momentumUpdate(): void {
    const m = this.config.momentum;
    const query = this.queryEncoder.namedParameters();
    const key = new Map(this.keyEncoder.namedParameters());
    for (const [name, q] of query) {
      const k = key.get(name)!;
      const updated = tf.tidy(() => tf.add(tf.mul(k, m), tf.mul(q, 1 - m)));
      k.assign(updated);
      updated.dispose(); // assign shares the data; the temporary handle must still be freed
    }
  }

  /** Writes the (normalised) keys of a batch into both queues, FIFO, wrapping around. */
  enqueue(keysSpectra: Tensor, keysLightCurve: Tensor): void {
    const batch = keysSpectra.shape[0];
    const k = this.config.queueSize;
    const rows = Array.from({ length: batch }, (_, i) => (this.queuePointer + i) % k);
    for (const [queue, keys] of [[this.queueSpectra, keysSpectra], [this.queueLightCurve, keysLightCurve]] as const) {
      const unit = tf.tidy(() => tf.div(keys, tf.maximum(tf.norm(keys, 'euclidean', 1, true), 1e-12)));
      const values = queue.dataSync().slice();
      const fresh = unit.dataSync();
      const d = queue.shape[1] as number;
      rows.forEach((row, i) => values.set(fresh.subarray(i * d, (i + 1) * d), row * d));
      const updated = tf.tensor(values, queue.shape);
      queue.assign(updated);
      tf.dispose([updated, unit]);
    }
    this.queuePointer = (this.queuePointer + batch) % k;
  }

  /** q = q_s + q_l, the reference's MoCo representation. */
  features(batch: BaselineBatch): Tensor {
    return tf.tidy(() => tf.add(this.queryEncoder.forward(batch.spectraFeatures, batch.latent), this.queryEncoder.forward(batch.lightCurveFeatures, batch.latent)));
  }

  private copyQueryToKey(): void {
    const key = new Map(this.keyEncoder.namedParameters());
    for (const [name, q] of this.queryEncoder.namedParameters()) key.get(name)!.assign(q);
  }

  private disposePendingKeys(): void {
    if (this.pendingKeys) tf.dispose([this.pendingKeys.spectra, this.pendingKeys.lightCurve]);
    this.pendingKeys = null;
  }
}
