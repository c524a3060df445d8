/**
 * Cancellation uses the platform's AbortController/AbortSignal; this file only maps an aborted
 * signal onto our shared CancelledError so every job reports cancellation the same way.
 */
import { CancelledError } from '../../shared/jobs';

/** Throws CancelledError when `signal` has been aborted; does nothing for an absent signal. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toCancelledError(signal.reason);
}

/** True when `err` means "the user cancelled" (our CancelledError or a DOM AbortError). */
export function isCancelled(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError');
}

/** Turns an abort reason (whatever was passed to `controller.abort(reason)`) into a CancelledError. */
export function toCancelledError(reason: unknown): CancelledError {
  if (reason instanceof CancelledError) return reason;
  if (typeof reason === 'string' && reason !== '') return new CancelledError(reason);
  return new CancelledError();
}

/**
 * Resolves after `ms`, or rejects with CancelledError as soon as `signal` aborts.
 * Useful for polling loops and tests that must stay cancellable.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(toCancelledError(signal.reason));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(toCancelledError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
