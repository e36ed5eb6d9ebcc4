/**
 * In-process nudge from "an event was queued" to the dispatcher, so a delivery starts within milliseconds
 * instead of at the next poll. Only a hint: the poll still finds rows queued by other processes.
 */
const listeners = new Set<() => void>();

export function onOutboxWrite(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function outboxWritten(): void {
  for (const fn of listeners) fn();
}
