/** Whether this process runs the job worker (kept apart from worker.server to avoid an import cycle). */
let running = false;

export function markWorkerStarted(): boolean {
  if (running) return false;
  running = true;
  return true;
}

export function workerStarted(): boolean {
  return running;
}
