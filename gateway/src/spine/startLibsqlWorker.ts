import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from CommonJS `source` (eval'd, so it loads the same under node, tsx and
 * vitest) with its own libsql: `workerData.libsql` is the resolved module path the source requires.
 * Returns the worker and a promise that settles when it exits.
 */
export function startLibsqlWorker(
  source: string,
  workerData: Record<string, unknown>,
): { worker: Worker; exited: Promise<void> } {
  const libsql = createRequire(import.meta.url).resolve('libsql');
  const worker = new Worker(source, { eval: true, execArgv: [], workerData: { libsql, ...workerData } });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return { worker, exited };
}
