/**
 * Checks the params of an incoming request. Transports hand us untrusted JSON, so every handler
 * validates its params here before touching the core; the error names the method and the field.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ContractError } from '../../shared/contract';

/** The params object itself (absent params count as `{}`). */
export function paramsObject(method: string, params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw new ContractError('bad-request', `${method}: params must be an object`);
  }
  return params as Record<string, unknown>;
}

/** A required non-empty string field. */
export function requireString(method: string, params: unknown, field: string): string {
  const value = paramsObject(method, params)[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ContractError('bad-request', `${method}: '${field}' must be a non-empty string`);
  }
  return value;
}

/** A required non-empty array of non-empty strings. */
export function requireStringArray(method: string, params: unknown, field: string): string[] {
  const value = paramsObject(method, params)[field];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw new ContractError('bad-request', `${method}: '${field}' must be a non-empty array of paths`);
  }
  return value as string[];
}

/** An existing regular file; 'not-found' (or 'bad-file' for a directory) naming the path otherwise. */
export function requireFile(method: string, params: unknown, field: string): string {
  return existingFile(requireString(method, params, field));
}

/** A non-empty array of existing regular files. */
export function requireFiles(method: string, params: unknown, field: string): string[] {
  return requireStringArray(method, params, field).map(existingFile);
}

function existingFile(given: string): string {
  const path = resolve(given);
  if (!existsSync(path)) throw new ContractError('not-found', `${path}: no such file`);
  if (!statSync(path).isFile()) throw new ContractError('bad-file', `${path}: not a regular file`);
  return path;
}

/** An optional integer field no smaller than `min`; undefined when absent. */
export function optionalInteger(method: string, params: unknown, field: string, min: number): number | undefined {
  const value = paramsObject(method, params)[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ContractError('bad-request', `${method}: '${field}' must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}
