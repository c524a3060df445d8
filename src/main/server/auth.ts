/**
 * The headless server's access rules: a random token on every request, and loopback only.
 *
 * The token may come as `Authorization: Bearer <token>`, as `?token=<token>` in the URL (how the
 * printed link and the WebSocket carry it), or as the `desa_token` cookie the server sets when the
 * page is loaded with a valid token (so the page's own scripts and styles load without it).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../../shared/rpc';

export const TOKEN_COOKIE = 'desa_token';

/** A fresh unguessable token (192 bits, URL-safe). */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The token a request presents, from header, query or cookie; null when none. */
export function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const fromQuery = url.searchParams.get(TOKEN_PARAM);
  if (fromQuery) return fromQuery;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from response times. */
export function tokenMatches(presented: string | null, expected: string): boolean {
  if (presented === null) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True for connections from this machine (IPv4 127/8, IPv6 ::1, IPv4-mapped loopback). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

/**
 * True when the Host header names this machine. Refusing other names defeats DNS rebinding: a web
 * page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}
