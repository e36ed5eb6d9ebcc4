/**
 * A background pass run again `intervalMs` after the previous one ended (never two at once). The
 * returned function stops it and waits for a pass under way. A failed pass is logged and the next
 * one runs as usual: each pass reads its work from the database again.
 */
export function pollingWorker(name: string, intervalMs: number, pass: () => Promise<unknown>): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = pass()
      .catch((err) => console.error(`${name} pass failed`, err instanceof Error ? err.message : err))
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, intervalMs);
        timer.unref();
      });
  };
  tick();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
