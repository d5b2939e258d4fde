import { partitionId, type Scope } from '@easel/schemas';
import type pino from 'pino';
import type { Principal } from '../../core/auth/Principal.ts';
import { DERIVED_FROM, type DerivedSources, parseDerivedSources } from '../../core/DerivedSources.ts';
import { storedCommandEvent } from '../../core/commands/storedCommandEvent.ts';
import type { StoredOutcome } from '../../core/spine/EventSpine.ts';
import { legacyVerdictCommandId, verdictCommandId } from './runCommandIds.ts';
import type { RunCore } from './RunCore.ts';
import type { RunVerdict } from './RunExecution.ts';
import { runActor } from './RunRecord.ts';

/** What appending a verdict needs of the core. */
export type VerdictCore = Pick<RunCore, 'commitProposal' | 'appendEvents' | 'spine'>;

/** Bounded retries of a verdict whose append failed (storage hiccup, a busy canvas). */
const ATTEMPTS = 3;

/** Whose run it is and where its events go. */
export interface VerdictTarget {
  readonly runId: string;
  /** The run's event scope (canvas scope with `run_id`). */
  readonly scope: Scope;
  /** The run's creator (its lens; nothing is checked for a verdict, which changes no state). */
  readonly principal: Principal;
}

/** The verdict that stands for a run, and whether it is in the log. */
export interface StandingVerdict {
  readonly verdict: RunVerdict;
  /** What its data was derived from (null: a verdict read back without a stamp, provenance unknown). */
  readonly sources: DerivedSources | null;
  /** False when it could not be stored (logged): the caller keeps it in the record only. */
  readonly stored: boolean;
}

/**
 * Appends a run's durable `verdict` once, whichever node gets there first: it is committed as a
 * proposal without ops under `run/<run_id>/verdict` (causation id `run:<run_id>:verdict`), so the
 * spine's command ids (in the write turn, on every engine) let exactly one verdict in — the live
 * node's, or the one a node that found the run's lease run out appended (`interrupted`). A later
 * attempt is answered `duplicate`, and the verdict read back from the log stands; so does a
 * verdict an earlier version stored under the legacy key. When the canvas cannot take a
 * proposal (gone, unreadable history) the verdict is appended plainly. Never throws.
 */
export async function appendVerdict(
  core: VerdictCore,
  target: VerdictTarget,
  verdict: RunVerdict,
  sources: DerivedSources,
  logger?: pino.Logger,
): Promise<StandingVerdict> {
  const { runId, scope } = target;
  const actor = runActor(runId);
  const payload = { ...verdict, [DERIVED_FROM]: sources };
  const legacy = await legacyVerdict(core, scope, runId);
  if (legacy) return { ...legacy, stored: true };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let r: Awaited<ReturnType<VerdictCore['commitProposal']>>;
    try {
      r = await core.commitProposal({
        principal: target.principal,
        actor,
        scope,
        commandId: verdictCommandId(runId),
        causationId: legacyVerdictCommandId(runId),
        ops: [],
        message: `run ${runId}: verdict`,
        outcomeEvents: [{ type: 'run_event', payload }],
      });
    } catch (err) {
      logger?.warn({ err, run: runId }, 'the verdict could not be committed');
      break;
    }
    if (r.ok && r.value.status === 'duplicate') {
      const first = await verdictAt(core, scope, runId, { cursor: r.value.cursor, revision: r.value.revision });
      return first ? { ...first, stored: true } : { verdict, sources, stored: true };
    }
    if (r.ok) return { verdict, sources, stored: true };
    if (r.error.code !== 'unavailable' && r.error.code !== 'conflict') {
      logger?.warn({ error: r.error, run: runId }, 'the verdict could not be committed; appending it plainly');
      break;
    }
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const r = await core.appendEvents(scope, actor, [{ type: 'run_event', payload }]).catch(() => null);
    if (r?.ok) return { verdict, sources, stored: true };
    if (r && r.error.code !== 'unavailable') break;
  }
  logger?.error({ run: runId }, 'the verdict of a run could not be stored');
  return { verdict, sources, stored: false };
}

/**
 * Whether the run's verdict is in the log: stored under its key, or (earlier versions) under
 * the legacy key, there only when the append is this run's verdict (a client command may have
 * taken that id). A failed lookup throws (the caller decides).
 */
export async function verdictSettled(core: Pick<RunCore, 'spine'>, scope: Scope, runId: string): Promise<boolean> {
  if ((await core.spine.lookupCommand(partitionId(scope), verdictCommandId(runId))) !== null) return true;
  return (await legacyVerdict(core, scope, runId)) !== null;
}

/** The verdict an earlier version stored under the legacy key, or null (none, or not a verdict). */
async function legacyVerdict(
  core: Pick<RunCore, 'spine'>,
  scope: Scope,
  runId: string,
): Promise<{ verdict: RunVerdict; sources: DerivedSources | null } | null> {
  const partition = partitionId(scope);
  const stored = await core.spine.lookupCommand(partition, legacyVerdictCommandId(runId)).catch(() => null);
  return stored ? verdictAt(core, scope, runId, stored) : null;
}

/** The verdict event at `outcome.cursor` (the last event of the first verdict's append), or null. */
async function verdictAt(
  core: Pick<RunCore, 'spine'>,
  scope: Scope,
  runId: string,
  outcome: StoredOutcome,
): Promise<{ verdict: RunVerdict; sources: DerivedSources | null } | null> {
  const event = await storedCommandEvent(core.spine, partitionId(scope), outcome);
  if (event?.type !== 'run_event') return null;
  const payload = event.envelope.payload;
  if (payload?.kind !== 'verdict' || payload.run_id !== runId) return null;
  const { [DERIVED_FROM]: stamp, ...rest } = payload;
  return { verdict: rest as unknown as RunVerdict, sources: parseDerivedSources(stamp) };
}
