/**
 * `DualRotaryEmbedding`: one `inv_freq` buffer, two position grids (0…L1−1 for the spectra tokens,
 * 0…L2−1 for the light-curve tokens). The rotary width is half a head, as in the reference.
 */
import { tf } from '../tf';
import type { Variable } from '../tf';
import { Module } from '../params';
import { rotaryInvFreq, rotaryTables, type RotaryTables } from '../layers';

/** The two modalities' cos/sin tables, each (L, rotaryDims). */
export interface DualRotaryTables {
  readonly modality1: RotaryTables;
  readonly modality2: RotaryTables;
}

export class DualRotaryEmbedding extends Module {
  readonly invFreq: Variable;

  constructor(readonly rotaryDims: number) {
    super();
    this.invFreq = this.buffer('inv_freq', tf.tensor1d(rotaryInvFreq(rotaryDims)));
  }

  /** Tables for sequence lengths L1 and L2 from the stored (possibly loaded) inv_freq. Caller disposes. */
  tables(seqLen1: number, seqLen2: number): DualRotaryTables {
    const invFreq = this.invFreq.dataSync();
    return { modality1: rotaryTables(seqLen1, invFreq), modality2: rotaryTables(seqLen2, invFreq) };
  }
}

/** Frees the four tables. */
export function disposeDualTables(t: DualRotaryTables): void {
  tf.dispose([t.modality1.cos, t.modality1.sin, t.modality2.cos, t.modality2.sin]);
}
