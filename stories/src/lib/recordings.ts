import type { Recording } from '@easel/harness/testing';
import boardEmpty from '../../recordings/board-empty.json';
import boardFull from '../../recordings/board-full.json';
import boardReadonly from '../../recordings/board-readonly.json';
import boardRejected from '../../recordings/board-rejected.json';
import consoleRecording from '../../recordings/console.json';
import doc from '../../recordings/doc.json';
import mediaNotPermitted from '../../recordings/media-not-permitted.json';
import runConsole from '../../recordings/run-console.json';
import whiteboard from '../../recordings/whiteboard.json';

/**
 * Event streams recorded from a real `easel dev` gateway by `scripts/record.ts`
 * (`pnpm --filter @easel/stories run record`): canvas streams, the project timeline, a run
 * stream, plugins and inspectors, and real refusals.
 */
export const RECORDINGS = {
  boardEmpty: boardEmpty as unknown as Recording,
  boardFull: boardFull as unknown as Recording,
  boardReadonly: boardReadonly as unknown as Recording,
  boardRejected: boardRejected as unknown as Recording,
  console: consoleRecording as unknown as Recording,
  doc: doc as unknown as Recording,
  mediaNotPermitted: mediaNotPermitted as unknown as Recording,
  runConsole: runConsole as unknown as Recording,
  whiteboard: whiteboard as unknown as Recording,
} as const;

export type RecordingName = keyof typeof RECORDINGS;

/** A recording replayed at its recorded pace (frames arrive with their gaps) or all at once. */
export function recording(name: RecordingName, pace: 'recorded' | 'instant' = 'recorded'): Recording {
  return { ...RECORDINGS[name], pace };
}
