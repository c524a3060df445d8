/**
 * The options objects' own fields that are set: `{ length: undefined }` (typical of CLI flags that
 * were not given) must not override a default when spread over it.
 */
export function definedOnly<T extends object>(opts: T): Partial<T> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<T>;
}
