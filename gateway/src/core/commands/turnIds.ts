import { createHash } from 'node:crypto';
import type { PartitionId } from '../spine/EventSpine.ts';

function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('base64url').replace(/[-_]/g, 'x').slice(0, length);
}

/**
 * The `turn_id` of a `chat.send`: deterministic from the partition and the command id, so a
 * repeated command answers the same turn (`t_` + 24 characters, a valid opaque id).
 */
export function turnIdFor(partition: PartitionId, commandId: string): string {
  return `t_${digest(`turn\u0000${partition}\u0000${commandId}`, 24)}`;
}

/**
 * The `session_id` of a chat: one interaction session per (partition, canvas, actor): the
 * thread an actor has with the agent on one canvas (`s_` + 24 characters).
 */
export function sessionIdFor(partition: PartitionId, canvasId: string, actorId: string): string {
  return `s_${digest(`session\u0000${partition}\u0000${canvasId}\u0000${actorId}`, 24)}`;
}

/**
 * The idempotency key of a turn's commit (`GatewayCore.commitProposal`): `turn/<turn_id>`. `/`
 * never occurs in a client's `command_id`, so no client command (the turn id is in the
 * `chat.send` answer) can take the key and have the commit answered `duplicate` unapplied.
 */
export function turnCommitCommandId(turnId: string): string {
  return `turn/${turnId}`;
}

/**
 * The key earlier versions stored a turn's commit under (`turn:<turn_id>`, a valid client id),
 * looked up after {@link turnCommitCommandId}; also the commit's `causation_id` (an envelope's
 * causation id must be a valid command id, so it is unchanged).
 */
export function legacyTurnCommitCommandId(turnId: string): string {
  return `turn:${turnId}`;
}
