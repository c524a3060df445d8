/**
 * Header card parsing and formatting against the FITS 4.0 standard's rules (section 4.2):
 * quoted strings with '' escapes and insignificant trailing blanks, fixed/free-format numbers
 * with E or D exponents, logicals, complex values, undefined values, commentary cards,
 * the HIERARCH and CONTINUE (long-string) conventions.
 */
import { describe, expect, it } from 'vitest';
import { formatCard } from '../../../src/main/fits/card-format.js';
import { Header, parseCardImage, parseCards } from '../../../src/main/fits/header.js';

const card = (text: string) => text.padEnd(80);

describe('parsing card images', () => {
  it.each([
    ["NAME    = 'O''HARA'           / quoted quote", "O'HARA", 'quoted quote'],
    ["NAME    = 'abc     '", 'abc', ''],
    ["NAME    = '  abc'", '  abc', ''],
    ["NAME    = ''", '', ''],
    ["NAXIS1  =                 3904 / length", 3904, 'length'],
    ['BIG     =  9223372036854775807', 9223372036854775807n, ''],
    ['NEG     = -9007199254740993', -9007199254740993n, ''],
    ['DEXP    =             1.5D+03', 1500, ''],
    ['FREE    =  -.5e-2', -0.005, ''],
    ['INTFLT  =                  12.', 12, ''],
    ['FLAG    =                    T / yes', true, 'yes'],
    ['FLAG    =                    F', false, ''],
    ['UNDEF   =                      / no value', null, 'no value'],
    ['CPLX    =          (1.5, -2.0)', '(1.5, -2)', ''],
    ["HIERARCH ESO DET CHIP NAME = 'CCD-42' / chip", 'CCD-42', 'chip'],
  ] as const)('%s', (image, value, comment) => {
    const parsed = parseCardImage(card(image));
    expect(parsed.value).toEqual(value);
    expect(parsed.comment).toBe(comment);
  });

  it('HIERARCH keywords lose the prefix', () => {
    expect(parseCardImage(card("HIERARCH ESO DET CHIP NAME = 'CCD-42'")).keyword).toBe('ESO DET CHIP NAME');
  });

  it('commentary cards keep their text from column 9', () => {
    expect(parseCardImage(card('COMMENT   two leading blanks / no comment split'))).toEqual({
      keyword: 'COMMENT',
      value: '  two leading blanks / no comment split',
      comment: '',
    });
    expect(parseCardImage(card('        blank keyword')).keyword).toBe('');
  });

  it('CONTINUE cards join onto the string ending in &, comments joined with a blank', () => {
    const [joined, next] = parseCards([
      card("STRKEY  = 'This keyword value is continued&' / The comment field"),
      card("CONTINUE  ' over two records.&' / is also"),
      card("CONTINUE  '' / continued"),
      card('NEXT    =                    1'),
    ]);
    expect(joined).toEqual({
      keyword: 'STRKEY',
      value: 'This keyword value is continued over two records.',
      comment: 'The comment field is also continued',
    });
    expect(next.value).toBe(1);
  });

  it('a CONTINUE card after a non-string stays a card of its own', () => {
    const cards = parseCards([card('N       =                    1'), card("CONTINUE  'x'")]);
    expect(cards.map((c) => c.keyword)).toEqual(['N', 'CONTINUE']);
  });
});

describe('formatting cards', () => {
  it('fixed format: numbers and logicals end in column 30, strings start in column 11', () => {
    expect(formatCard('NAXIS1', 3904)[0].slice(0, 30)).toBe('NAXIS1  =                 3904');
    expect(formatCard('SIMPLE', true)[0].slice(0, 30)).toBe('SIMPLE  =                    T');
    expect(formatCard('OBJECT', "O'HARA")[0].slice(0, 20)).toBe("OBJECT  = 'O''HARA '"); // at least 8 characters between the quotes
    expect(formatCard('UNDEF', null, 'no value')[0]).toBe(card('UNDEF   =                      / no value'));
  });

  it.each([1 / 3, 1e-300, 1.5e21, -2.5, 12, 2 ** 62 + 1024, 0.1])('the float %d reads back exactly', (value) => {
    const [image] = formatCard('X', value);
    expect(image).toHaveLength(80);
    expect(parseCardImage(image).value).toBe(value);
  });

  it('bigints are written as exact integers', () => {
    expect(parseCardImage(formatCard('BIG', -(2n ** 63n))[0]).value).toBe(-(2n ** 63n));
  });

  it('long strings with quotes split over CONTINUE cards and read back unchanged', () => {
    const value = "a 'quoted' word, ".repeat(12) + 'end';
    const images = formatCard('LONGSTR', value, 'its comment');
    expect(images.length).toBeGreaterThan(2);
    images.forEach((image, i) => {
      expect(image).toHaveLength(80);
      if (i > 0) expect(image.startsWith("CONTINUE  '")).toBe(true);
      if (i < images.length - 1) expect(image.trimEnd().endsWith("&'")).toBe(true);
    });
    const [parsed] = parseCards(images);
    expect(parsed.value).toBe(value);
    expect(parsed.comment).toBe('its comment');
  });

  it('long keywords use HIERARCH', () => {
    const [image] = formatCard('ESO DET CHIP NAME', 'CCD-42');
    expect(image.startsWith('HIERARCH ESO DET CHIP NAME = ')).toBe(true);
    expect(parseCardImage(image)).toMatchObject({ keyword: 'ESO DET CHIP NAME', value: 'CCD-42' });
  });

  it('refuses values FITS cannot hold', () => {
    expect(() => formatCard('X', NaN)).toThrow(/cannot be written/);
    expect(() => formatCard('X', 'caf\u00e9')).toThrow(/printable ASCII/);
  });
});

describe('Header lookup', () => {
  const header = new Header(
    parseCards([
      card('EXPTIME =                 1200'),
      card('EXPTIME =                   60 / a later duplicate'),
      card("HIERARCH ESO DET CHIP NAME = 'CCD-42'"),
      card('COMMENT first comment'),
      card('COMMENT second comment'),
      card('BIG     =  9007199254740993'),
    ]),
  );

  it('the first card of a keyword wins, like astropy', () => expect(header.get('exptime')).toBe(1200));
  it('HIERARCH keywords are found with or without the prefix', () => {
    expect(header.get('ESO DET CHIP NAME')).toBe('CCD-42');
    expect(header.get('HIERARCH ESO DET CHIP NAME')).toBe('CCD-42');
  });
  it('commentary keywords are present; all their texts are listed in order', () => {
    expect(header.has('COMMENT')).toBe(true);
    expect(header.commentary('COMMENT')).toEqual(['first comment', 'second comment']);
  });
  it('typed getters', () => {
    expect(header.getString('EXPTIME')).toBeNull();
    expect(header.getNumber('BIG')).toBe(9007199254740992);
    expect(header.get('MISSING')).toBeUndefined();
  });
});
