import {
  BOARD_MANIFEST,
  type CanvasTypeManifest,
  type PluginHealth,
  type PluginInspector,
  WHITEBOARD_MANIFEST,
} from '@easel/schemas';
import { canvasReady, RECORDED_SCOPE, recordedEvent } from './recordedEvent.ts';
import type { Recording } from './Recording.ts';

/** The gateway's built-in `board` manifest (contract §5), for recordings. */
export const DEMO_BOARD_MANIFEST: CanvasTypeManifest = BOARD_MANIFEST;

/** The gateway's built-in `whiteboard` manifest. */
export const DEMO_WHITEBOARD_MANIFEST: CanvasTypeManifest = WHITEBOARD_MANIFEST;

/** Plugins in every state the inspector shows. */
export const DEMO_PLUGINS: readonly PluginHealth[] = [
  {
    name: 'thumbnail',
    state: 'LOADED',
    description: 'Renders a PNG of a canvas.',
    version: '1.0.0',
    success_count: 42,
    error_count: 1,
    uptime_seconds: 3600,
  },
  {
    name: 'outline',
    state: 'RUNNING',
    description: 'Summarises a board.',
    version: '0.3.0',
    success_count: 7,
    error_count: 0,
  },
  {
    name: 'upscale',
    state: 'UNAVAILABLE',
    reason: 'needs a GPU and none is present: run on a GPU node or disable it',
    success_count: 0,
    error_count: 0,
  },
  {
    name: 'ocr',
    state: 'FAILED',
    reason: 'crashed while running (exit 137); it restarts on the next call',
    success_count: 3,
    error_count: 2,
  },
];

export const DEMO_INSPECTORS: Readonly<Record<string, PluginInspector>> = {
  thumbnail: {
    ...DEMO_PLUGINS[0]!,
    device: 'cpu',
    tools: {
      render: {
        description: 'Canvas → PNG',
        timeout_ms: 5000,
        memory_mb: 256,
        idempotent: true,
        timings_ms: { count: 43, p50: 38, p95: 120, p99: 410 },
      },
    },
    recent_warnings: [
      { at: '2026-01-05T09:58:00.000Z', tool: 'render', message: 'canvas has 1200 notes: rendering the first 500' },
    ],
    recent_errors: [{ at: '2026-01-05T09:12:00.000Z', tool: 'render', message: 'timed out after 5000 ms' }],
  },
};

const agent = { id: 'agent', kind: 'agent' as const };

/**
 * A board session with notes, a director-level actor, another human and an agent present, and
 * an agent turn that streams, answers and commits. Override any field.
 */
export function demoRecording(overrides: Partial<Recording> = {}): Recording {
  const scope = overrides.scope ?? RECORDED_SCOPE;
  const by = { scope, actor: agent, turn_id: 'turn-1' };
  return {
    scope,
    actor: { id: 'dana', kind: 'human', name: 'Dana', roles: ['editor'] },
    canvas: [
      canvasReady({
        manifest: DEMO_BOARD_MANIFEST,
        scope,
        revision: 12,
        state: {
          notes: {
            n1: { text: 'Interview five users', column: 'todo' },
            n2: { text: 'Draft the onboarding flow', column: 'doing' },
          },
          layout: { columns: ['todo', 'doing', 'done'] },
        },
        tokens: { 'plan.title': 'Q3 launch', 'plan.status': 'active' },
      }),
      {
        event: recordedEvent('turn_accepted', { turn_id: 'turn-1', text: 'Group the notes by theme' }, by),
        delayMs: 400,
      },
      {
        event: recordedEvent('model_status', { turn_id: 'turn-1', model: 'easel-small', status: 'ready' }, by),
        delayMs: 200,
      },
      { event: recordedEvent('chat_token', { turn_id: 'turn-1', index: 0, text: 'Grouping ' }, by), delayMs: 150 },
      { event: recordedEvent('chat_token', { turn_id: 'turn-1', index: 1, text: 'two notes ' }, by), delayMs: 150 },
      { event: recordedEvent('chat_token', { turn_id: 'turn-1', index: 2, text: 'into Research.' }, by), delayMs: 150 },
      {
        event: recordedEvent('turn_final', { turn_id: 'turn-1', text: 'Grouping two notes into Research.' }, by),
        delayMs: 200,
      },
      { event: recordedEvent('commit_succeeded', { turn_id: 'turn-1', revision: 13 }, by), delayMs: 200 },
    ],
    plugins: DEMO_PLUGINS,
    inspectors: DEMO_INSPECTORS,
    peers: [
      { actor: { id: 'sam', kind: 'human', name: 'Sam', color: '#1a7f4b' }, cursor: { x: 140, y: 90 } },
      {
        actor: { id: 'agent', kind: 'agent', name: 'Planner bot', color: '#7a3fd1' },
        path: [
          { x: 300, y: 160 },
          { x: 340, y: 190 },
          { x: 380, y: 170 },
        ],
      },
    ],
    ...overrides,
  };
}
