// Module customization hooks (loader thread) registered by `recordModuleLoads.mjs`: appends every
// resolved `node_modules` URL to the file named by `EASEL_TEST_MODULE_LOG`, one per line.
import { appendFileSync } from 'node:fs';

const logFile = process.env.EASEL_TEST_MODULE_LOG;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (logFile && resolved.url.includes('/node_modules/')) appendFileSync(logFile, `${resolved.url}\n`);
  return resolved;
}
