/**
 * The binary fine-tune's classes from a catalogue column: numeric values above a threshold (0 by
 * default, as the demo survey's 0/1 flag), text values among the chosen positives; the first
 * matched row of a star counts; a column leaving a class empty, or a rule that does not fit the
 * column, is refused with an error naming the column.
 */
import { describe, expect, it } from 'vitest';
import { binaryLabels, type ColumnValue } from '../../../src/main/pipeline/binary-labels';
import { binaryLabelMap, type StageStore } from '../../../src/main/pipeline/project-data';

const num = (starId: string, value: number | null): ColumnValue => ({ starId, value, text: null });
const txt = (starId: string, text: string | null): ColumnValue => ({ starId, value: null, text });
const asObject = (m: Map<string, number>): Record<string, number> => Object.fromEntries(m);

describe('binary labels from a column', () => {
  const ruwe = [num('a', 0.9), num('b', 1.4), num('c', 1.41), num('d', 3.2), num('e', null), num('f', NaN)];

  it('numeric: value > threshold is positive (default 0); stars without a value are left out', () => {
    expect(asObject(binaryLabels([num('a', 0), num('b', 1), num('c', -1), num('d', 2)], {}, 'flag'))).toEqual({ a: 0, b: 1, c: 0, d: 1 });
    // RUWE > 1.4, the usual astrometric binary cut: 1.4 itself is not above it.
    expect(asObject(binaryLabels(ruwe, { threshold: 1.4 }, 'ruwe'))).toEqual({ a: 0, b: 0, c: 1, d: 1 });
  });

  it('text: the chosen values are positive, every other value negative', () => {
    const classes = [txt('a', 'EB'), txt('b', 'single'), txt('c', 'SB2'), txt('d', 'single'), txt('e', null)];
    expect(asObject(binaryLabels(classes, { positive: ['EB', 'SB2'] }, 'class'))).toEqual({ a: 1, b: 0, c: 1, d: 0 });
  });

  it('the first matched row of a star counts', () => {
    expect(asObject(binaryLabels([num('a', 5), num('a', -5), num('b', -1)], {}, 'flag'))).toEqual({ a: 1, b: 0 });
  });

  it('refuses a class left empty, naming the column, the rule and what to change', () => {
    expect(() => binaryLabels(ruwe, { threshold: 5 }, "'ruwe' of catalogue 'gaia.csv'"))
      .toThrow("label column 'ruwe' of catalogue 'gaia.csv': no star with a value is positive (value > 5) among 4; a binary fine-tune needs both classes — change the threshold");
    expect(() => binaryLabels(ruwe, { threshold: 0.5 }, "'ruwe'")).toThrow(/'ruwe': every star with a value is positive \(value > 0.5\)/);
    expect(() => binaryLabels([txt('a', 'single'), txt('b', 'single')], { positive: ['EB'] }, "'class'"))
      .toThrow(/'class': no star with a value is positive \(value in \{"EB"\}\) among 2; .* change the positive values/);
  });

  it('refuses a rule that does not fit the column', () => {
    const classes = [txt('a', 'EB'), txt('b', 'single')];
    expect(() => binaryLabels(classes, {}, "'class'")).toThrow(`label column 'class' holds text ("EB", "single"); choose which value(s) count as positive`);
    expect(() => binaryLabels(classes, { threshold: 1 }, "'class'")).toThrow(/holds text .* instead of a threshold/);
    expect(() => binaryLabels(ruwe, { positive: ['1'] }, "'ruwe'")).toThrow("label column 'ruwe' is numeric; give a threshold instead of positive values");
    expect(() => binaryLabels(ruwe, { threshold: NaN }, "'ruwe'")).toThrow(/the threshold must be a finite number/);
  });

  it('binaryLabelMap reads the catalogue column and names catalogue and column in errors', async () => {
    const store = {
      listCatalogs: async () => [{ catalogId: 'c1', name: 'gaia.csv', columns: ['ruwe', 'class'] }],
      catalogColumn: async (_id: string, column: string) => (column === 'ruwe' ? ruwe : [txt('a', 'EB'), txt('b', 'single')]).map((v, row) => ({ ...v, row })),
    } as unknown as StageStore;
    expect(asObject(await binaryLabelMap(store, { catalog: 'gaia.csv', column: 'ruwe', threshold: 1.4 }))).toEqual({ a: 0, b: 0, c: 1, d: 1 });
    expect(asObject(await binaryLabelMap(store, { catalog: 'c1', column: 'class', positive: ['EB'] }))).toEqual({ a: 1, b: 0 });
    await expect(binaryLabelMap(store, { catalog: 'gaia.csv', column: 'ruwe', threshold: 9 })).rejects.toThrow(/'ruwe' of catalogue 'gaia.csv': no star/);
    await expect(binaryLabelMap(store, { catalog: 'gaia.csv', column: 'plx' })).rejects.toThrow(/catalogue 'gaia.csv' has no column 'plx'/);
  });
});
