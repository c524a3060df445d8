/**
 * Header cards: parsing 80-character card images into keyword/value/comment, following
 * astropy.io.fits so values compare one to one (CONTINUE long strings, HIERARCH keywords,
 * 'D' exponents, integers beyond 2^53 as bigint, undefined values as null).
 */
import type { Card, FitsHeader, HeaderValue } from './types.js';

export const CARD_LENGTH = 80;
export const BLOCK_LENGTH = 2880;
export const CARDS_PER_BLOCK = BLOCK_LENGTH / CARD_LENGTH;

/** Keywords whose text after column 8 is free text, never a value. */
const COMMENTARY_KEYWORDS = new Set(['COMMENT', 'HISTORY', '', 'END']);

/** Why a card could not be parsed; the caller adds file and HDU. */
export class CardError extends Error {}

// Fixed/free-format number with optional 'D'/'E' exponent (astropy allows inner blanks).
const NUMBER_RE = /^[+-]? *(\.\d+|\d+(\.\d*)?) *([deDE] *[+-]? *\d+)?$/;
const COMPLEX_RE = /^\( *([^,]+?) *, *([^)]+?) *\)$/;

/** Parses one card image (80 characters; longer strings are not expected here). */
export function parseCardImage(image: string): Card {
  if (image.startsWith('HIERARCH ') && image.includes('=')) {
    const eq = image.indexOf('=');
    const keyword = image.slice(9, eq).trim().toUpperCase();
    return { keyword, ...parseValueField(image.slice(eq + 1), keyword) };
  }
  const keyword = image.slice(0, 8).trim().toUpperCase();
  const hasValueIndicator = image.slice(8, 10) === '= ';
  if (COMMENTARY_KEYWORDS.has(keyword) || !hasValueIndicator) {
    return { keyword, value: image.slice(8).trimEnd(), comment: '' };
  }
  return { keyword, ...parseValueField(image.slice(10), keyword) };
}

/** Splits a value field (everything after '= ') into a typed value and its comment. */
export function parseValueField(field: string, keyword: string): { value: HeaderValue; comment: string } {
  const text = field.trimStart();
  if (text.startsWith("'")) {
    const { value, end } = parseQuotedString(text, keyword);
    return { value, comment: commentAfter(text.slice(end), keyword) };
  }
  const slash = text.indexOf('/');
  const raw = (slash >= 0 ? text.slice(0, slash) : text).trim();
  const comment = slash >= 0 ? text.slice(slash + 1).trim() : '';
  return { value: parseBareValue(raw), comment };
}

function parseQuotedString(text: string, keyword: string): { value: string; end: number } {
  let value = '';
  let i = 1;
  for (;;) {
    const quote = text.indexOf("'", i);
    if (quote < 0) throw new CardError(`card ${keyword}: string value has no closing quote`);
    value += text.slice(i, quote);
    if (text[quote + 1] === "'") {
      value += "'";
      i = quote + 2;
      continue;
    }
    return { value: value.trimEnd(), end: quote + 1 };
  }
}

function commentAfter(rest: string, keyword: string): string {
  const trimmed = rest.trim();
  if (trimmed === '') return '';
  if (!trimmed.startsWith('/')) throw new CardError(`card ${keyword}: unexpected text after string value: ${trimmed}`);
  return trimmed.slice(1).trim();
}

function parseBareValue(raw: string): HeaderValue {
  if (raw === '') return null;
  if (raw === 'T') return true;
  if (raw === 'F') return false;
  if (NUMBER_RE.test(raw)) return parseNumber(raw);
  const complex = COMPLEX_RE.exec(raw);
  if (complex && NUMBER_RE.test(complex[1]) && NUMBER_RE.test(complex[2])) {
    // Complex header values are rare; kept as "(re, im)" text with numbers normalised.
    return `(${Number(parseNumber(complex[1]))}, ${Number(parseNumber(complex[2]))})`;
  }
  // Not a FITS value (e.g. APOGEE's bare NAN): astropy "fixes" such cards into strings; so do we.
  return raw;
}

function parseNumber(raw: string): number | bigint {
  const compact = raw.replace(/ /g, '').replace(/[dD]/, 'E');
  if (/^[+-]?\d+$/.test(compact)) {
    const asNumber = Number(compact);
    return Number.isSafeInteger(asNumber) ? asNumber : BigInt(compact);
  }
  return Number(compact);
}

/**
 * Turns the card images of one header (up to, not including, END) into cards, joining
 * CONTINUE cards onto the string they continue the way astropy does: each segment loses
 * its trailing blanks and one trailing '&', comments are joined with a space.
 */
export function parseCards(images: string[]): Card[] {
  const cards: Card[] = [];
  let previousWasJoined = false;
  for (const image of images) {
    const previous = cards[cards.length - 1];
    if (image.startsWith('CONTINUE') && previous && typeof previous.value === 'string' && !COMMENTARY_KEYWORDS.has(previous.keyword)) {
      const segment = parseValueField(image.slice(8), 'CONTINUE');
      if (typeof segment.value === 'string') {
        const head = previousWasJoined ? previous.value : stripAmpersand(previous.value);
        previous.value = head + stripAmpersand(segment.value);
        if (segment.comment) previous.comment = previous.comment ? `${previous.comment} ${segment.comment}` : segment.comment;
        previousWasJoined = true;
        continue;
      }
    }
    cards.push(parseCardImage(image));
    previousWasJoined = false;
  }
  return cards;
}

function stripAmpersand(value: string): string {
  const trimmed = value.trimEnd();
  return trimmed.endsWith('&') ? trimmed.slice(0, -1) : trimmed;
}

/** Read-only header with keyword lookup (first card wins, like astropy). */
export class Header implements FitsHeader {
  private readonly index = new Map<string, Card>();

  constructor(readonly cards: readonly Card[]) {
    // First card wins (astropy); for COMMENT/HISTORY that is the first such card's text.
    for (const card of cards) {
      if (card.keyword !== '' && !this.index.has(card.keyword)) this.index.set(card.keyword, card);
    }
  }

  has(keyword: string): boolean {
    return this.index.has(normalise(keyword));
  }

  get(keyword: string): HeaderValue | undefined {
    return this.index.get(normalise(keyword))?.value;
  }

  getString(keyword: string): string | null {
    const value = this.get(keyword);
    return typeof value === 'string' ? value : null;
  }

  getNumber(keyword: string): number | null {
    const value = this.get(keyword);
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    return null;
  }

  /** Commentary values (COMMENT, HISTORY, blank keyword) in order. */
  commentary(keyword: 'COMMENT' | 'HISTORY' | ''): string[] {
    return this.cards.filter((c) => c.keyword === keyword).map((c) => String(c.value));
  }
}

function normalise(keyword: string): string {
  const upper = keyword.trim().toUpperCase();
  return upper.startsWith('HIERARCH ') ? upper.slice(9).trim() : upper;
}
