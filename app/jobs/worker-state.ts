/**
 * Whether this process runs the job worker, and whether it is shutting down (kept apart from
 * worker.server to avoid an import cycle). Long steps (a backfill import slice) look at
 * `workerStopping()` to checkpoint and hand their work back instead of being cut off.
 */
let running = false;
let stopping = false;

export function markWorkerStarted(): boolean {
  if (running) return false;
  running = true;
  stopping = false;
  return true;
}

export function workerStarted(): boolean {
  return running;
}

export function markWorkerStopping(): void {
  if (running) stopping = true;
}

export function markWorkerStopped(): void {
  running = false;
  stopping = false;
}

export function workerStopping(): boolean {
  return stopping;
}
