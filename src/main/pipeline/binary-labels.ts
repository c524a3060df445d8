/**
 * The binary fine-tune's two classes from one catalogue column: a numeric column counts a star as
 * positive when its value is above a threshold (0 by default, the demo survey's 0/1 flag); a text
 * column counts it positive when its value is one of the values the user picked. A column that
 * yields no positive or no negative star is refused, naming the column and the rule.
 */

/** How a column's values become the two classes (see LabelSource). */
export interface BinaryRule {
  /** Numeric columns: positive when value > threshold. Default 0. */
  threshold?: number;
  /** Text columns: the values that count as positive (required for a text column). */
  positive?: string[];
}

/** One matched catalogue value of a star, as ProjectStore.catalogColumn returns it. */
export interface ColumnValue {
  starId: string;
  value: number | null;
  text: string | null;
}

/** Most distinct text values named in an error message. */
const NAMED_VALUES = 8;

/**
 * star id → 1 (positive) or 0 (negative), for the stars that have a value (the first matched row
 * of each star counts, as for every other label).
 * @param column how to name the column in errors, e.g. "'binary_candidate' of catalogue 'labels.csv'"
 * @throws Error naming the column when the rule is unusable or leaves one class empty
 */
export function binaryLabels(values: readonly ColumnValue[], rule: BinaryRule, column: string): Map<string, 0 | 1> {
  const first = new Map<string, ColumnValue>();
  for (const v of values) if (!first.has(v.starId) && (v.value !== null || v.text !== null)) first.set(v.starId, v);
  const isText = [...first.values()].some((v) => v.text !== null);
  const out = new Map<string, 0 | 1>();
  let description: string;
  if (isText) {
    const distinct = [...new Set([...first.values()].map((v) => v.text ?? String(v.value)))].sort();
    const shown = `${distinct.slice(0, NAMED_VALUES).map((t) => JSON.stringify(t)).join(', ')}${distinct.length > NAMED_VALUES ? ', …' : ''}`;
    if (rule.threshold !== undefined && rule.positive === undefined) {
      throw new Error(`label column ${column} holds text (${shown}); choose which value(s) count as positive instead of a threshold`);
    }
    if (!Array.isArray(rule.positive) || rule.positive.length === 0 || !rule.positive.every((p) => typeof p === 'string')) {
      throw new Error(`label column ${column} holds text (${shown}); choose which value(s) count as positive`);
    }
    const positive = new Set(rule.positive);
    for (const [starId, v] of first) out.set(starId, positive.has(v.text ?? String(v.value)) ? 1 : 0);
    description = `value in {${rule.positive.map((p) => JSON.stringify(p)).join(', ')}}`;
  } else {
    if (rule.positive !== undefined) throw new Error(`label column ${column} is numeric; give a threshold instead of positive values`);
    const threshold = rule.threshold ?? 0;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new Error(`label column ${column}: the threshold must be a finite number, got ${JSON.stringify(threshold)}`);
    for (const [starId, v] of first) if (v.value !== null && Number.isFinite(v.value)) out.set(starId, v.value > threshold ? 1 : 0);
    description = `value > ${threshold}`;
  }
  let positives = 0;
  for (const y of out.values()) positives += y;
  const negatives = out.size - positives;
  if (positives === 0 || negatives === 0) {
    throw new Error(`label column ${column}: ${positives === 0 ? 'no' : 'every'} star with a value is positive (${description}) among ${out.size}; a binary fine-tune needs both classes — change the ${isText ? 'positive values' : 'threshold'}`);
  }
  return out;
}
