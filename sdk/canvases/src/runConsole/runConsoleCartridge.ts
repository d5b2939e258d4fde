import { defineCanvas } from '@easel/harness';
import { projectRunConsole } from './projectRunConsole.ts';
import { RunConsoleCanvas } from './RunConsoleCanvas.tsx';
import { RUN_CONSOLE_MANIFEST } from './runConsoleManifest.ts';

/** The `run-console` cartridge: recorded runs and the RunConsole for the followed run. */
export const runConsoleCanvas = defineCanvas({
  manifest: RUN_CONSOLE_MANIFEST,
  project: projectRunConsole,
  Component: RunConsoleCanvas,
});
