// @easel/harness/testing — recorded streams for stories and component tests. Named exports only.
export {
  canvasReady,
  RECORDED_SCOPE,
  recordedEvent,
  recordedToken,
  snapshotUpdate,
  type CanvasReadyInput,
  type RecordedEnvelope,
  type RecordedFrame,
} from './recordedEvent.ts';
export type { RecordedPeer, Recording } from './Recording.ts';
export { RecordedGateway } from './RecordedGateway.ts';
export { RecordedPresence, type RecordedPresenceOptions } from './RecordedPresence.ts';
export {
  createRecordedApi,
  createRecordedPresence,
  createRecordedSession,
  createRecordedTransport,
  type RecordedSession,
} from './createRecordedSession.ts';
export { RecordedEaselProvider, type RecordedEaselProviderProps } from './RecordedEaselProvider.tsx';
export { applyStateOps } from './applyStateOps.ts';
export {
  DEMO_BOARD_MANIFEST,
  DEMO_INSPECTORS,
  DEMO_PLUGINS,
  DEMO_WHITEBOARD_MANIFEST,
  demoRecording,
} from './fixtures.ts';
