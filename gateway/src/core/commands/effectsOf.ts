import type { Command } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';
import type { CanvasDoc } from '../canvas/CanvasDoc.ts';
import { fail } from '../errors/GatewayError.ts';
import type { LensView } from '../lens/LensView.ts';
import type { PartitionId } from '../spine/EventSpine.ts';
import {
  commitEffects,
  type EffectsResult,
  revertEffects,
  stateOpsEffects,
  stateUpdateEffects,
  tokenDeleteEffects,
  tokenSetEffects,
} from './commandEffects.ts';
import type { Prepared } from './prepareCommand.ts';
import { runRevertEffects } from './runRevertEffects.ts';
import type { TurnCommands } from './TurnCommands.ts';

function notAvailable(type: string): EffectsResult {
  return fail('validation_failed', `type: command '${type}' is not available on this gateway yet`);
}

/** What a command does to its canvas (the synchronous part of the command path). */
export function effectsOf(
  cmd: Command,
  canvas: CanvasDoc,
  view: LensView,
  prepared: Prepared,
  principal: Principal,
  partition: PartitionId,
  turnCommands: TurnCommands | undefined,
): EffectsResult {
  switch (cmd.type) {
    case 'canvas.create':
      return {
        ok: true,
        value: {
          events: [
            {
              type: 'canvas_created',
              payload: { canvas_type: canvas.canvasType, title: canvas.title, revision: 0, manifest: canvas.manifest },
            },
          ],
          revision: 0,
          finish: () => {},
          docChanged: false,
        },
      };
    case 'token.set':
      return tokenSetEffects(canvas, cmd, view);
    case 'token.delete':
      return tokenDeleteEffects(canvas, cmd, view);
    case 'state.update':
      return stateUpdateEffects(canvas, cmd, view);
    case 'state.ops':
      return stateOpsEffects(canvas, cmd, view);
    case 'canvas.commit':
      return prepared.kind === 'commit'
        ? commitEffects(canvas, cmd, prepared.commitId)
        : fail('unavailable', 'commit not prepared');
    case 'canvas.revert':
      if (prepared.kind === 'run_revert') return runRevertEffects(canvas, cmd, view, prepared);
      return prepared.kind === 'revert'
        ? revertEffects(canvas, cmd, view, prepared.source, prepared.commitId)
        : fail('unavailable', 'revert not prepared');
    case 'chat.send':
    case 'turn.cancel':
      return turnCommands ? turnCommands.effects(cmd, canvas, principal, partition) : notAvailable(cmd.type);
    default:
      return notAvailable((cmd as { type: string }).type);
  }
}
