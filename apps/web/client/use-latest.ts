import { useRef } from 'react';

/**
 * The latest value without being a dependency: callbacks that only read it when they run (after
 * a fetch) stay stable, so switching the language does not refetch data or reset a form.
 */
export function useLatest<T>(value: T) {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
