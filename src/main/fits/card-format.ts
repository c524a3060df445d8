/**
 * Formatting header cards for writing: fixed-format values (right-justified numbers and
 * logicals ending in column 30, strings starting in column 11), long strings split over
 * CONTINUE cards, HIERARCH for long keywords, and commentary cards split at 72 characters.
 */
import { CARD_LENGTH } from './header.js';
import type { HeaderValue } from './types.js';

const COMMENTARY = new Set(['COMMENT', 'HISTORY', '']);
/** Characters of a string that fit on one card between the quotes, leaving room for '&'. */
const CHUNK = 67;

export class CardFormatError extends Error {}

/** Formats one keyword/value/comment into one or more 80-character card images. */
export function formatCard(keyword: string, value: HeaderValue, comment = ''): string[] {
  const key = keyword.trim().toUpperCase();
  if (COMMENTARY.has(key)) return formatCommentary(key, value === null ? '' : String(value));
  checkAscii(key, comment, value);
  if (typeof value === 'string') return formatString(key, value, comment);
  const prefix = keywordPrefix(key);
  return [pad(appendComment(prefix + formatScalar(key, value).padStart(20), comment))];
}

function keywordPrefix(key: string): string {
  if (key.length <= 8 && /^[A-Z0-9_-]*$/.test(key)) return key.padEnd(8) + '= ';
  return `HIERARCH ${key} = `;
}

function formatScalar(key: string, value: Exclude<HeaderValue, string>): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) throw new CardFormatError(`card ${key}: ${value} cannot be written in a FITS header`);
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(0);
  return formatFloat(value);
}

/** Shortest round-trip representation with an upper-case exponent and a decimal point. */
export function formatFloat(value: number): string {
  let text = String(value).toUpperCase();
  if (!text.includes('.') && !text.includes('E')) text += '.0';
  else if (!text.includes('.')) text = text.replace('E', '.0E');
  return text;
}

function formatString(key: string, value: string, comment: string): string[] {
  const escaped = value.replace(/'/g, "''");
  const prefix = keywordPrefix(key);
  // Short strings fit on one card; pad to at least 8 characters inside the quotes (FITS).
  if (prefix.length + escaped.length + 2 <= CARD_LENGTH) {
    return [pad(appendComment(`${prefix}'${escaped.padEnd(8)}'`, comment))];
  }
  const chunks = splitEscaped(escaped, CHUNK - (prefix.length - 10));
  const cards = chunks.map((chunk, i) => {
    const last = i === chunks.length - 1;
    const head = i === 0 ? prefix : 'CONTINUE  ';
    return `${head}'${chunk}${last ? '' : '&'}'`;
  });
  cards[cards.length - 1] = appendComment(cards[cards.length - 1], comment);
  return cards.map(pad);
}

// Split without cutting an escaped quote pair ('') in two.
function splitEscaped(escaped: string, firstSize: number): string[] {
  const chunks: string[] = [];
  let at = 0;
  let size = firstSize;
  while (at < escaped.length) {
    let end = Math.min(escaped.length, at + size);
    const quotesBefore = (escaped.slice(at, end).match(/'+$/)?.[0].length ?? 0);
    if (quotesBefore % 2 === 1 && end < escaped.length) end -= 1;
    chunks.push(escaped.slice(at, end));
    at = end;
    size = CHUNK;
  }
  return chunks;
}

function formatCommentary(key: string, text: string): string[] {
  const width = CARD_LENGTH - 8;
  const cards: string[] = [];
  for (let at = 0; at < Math.max(1, text.length); at += width) cards.push(pad(key.padEnd(8) + text.slice(at, at + width)));
  return cards;
}

function appendComment(card: string, comment: string): string {
  if (!comment) return card;
  return `${card} / ${comment}`.slice(0, CARD_LENGTH);
}

function pad(card: string): string {
  if (card.length > CARD_LENGTH) throw new CardFormatError(`card is longer than 80 characters: ${card}`);
  return card.padEnd(CARD_LENGTH);
}

function checkAscii(key: string, comment: string, value: HeaderValue): void {
  const text = key + comment + (typeof value === 'string' ? value : '');
  if (/[^\x20-\x7e]/.test(text)) throw new CardFormatError(`card ${key}: FITS headers allow printable ASCII only`);
}
