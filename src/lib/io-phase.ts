/**
 * Answers to reads go out together at the end of the event loop's I/O phase instead of one by one
 * as each is ready.
 *
 * Why: a read is answered within the I/O callback that parsed it, so under load the responses to the
 * requests of one phase leave a few hundred microseconds apart, and a client on the same machine
 * (a test suite, the CLI, a local app) is put to sleep and woken up for each. The wake-up happens
 * inside our socket write and costs more than the rest of a small read (measured side by side: a
 * retrieve took 143 µs of CPU one by one, 92 µs batched). Writes already leave in batches, after
 * their group's COMMIT (storage/sqlite/group-commit.ts).
 *
 * The delay is the rest of the current I/O phase: nothing when one request is in flight.
 */
let phaseEnd: Promise<void> | undefined;

/** Resolves in the check phase that follows the current I/O phase; one timer for all callers of a phase. */
export function endOfIoPhase(): Promise<void> {
  phaseEnd ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      phaseEnd = undefined;
      resolve();
    }),
  );
  return phaseEnd;
}
