import type { StateOp } from '@easel/schemas';
import type { CanvasTransport, CanvasTransportOptions } from '../CanvasTransport.ts';
import type { CommandError } from '../commands/CommandError.ts';
import type { Result } from '../lib/Result.ts';
import type { tokenActor } from '../presence/tokenActor.ts';
import type { AgentError, EaselAgent, EaselAgentOptions, ProposalOutcome } from './EaselAgent.ts';

/** What the agent's join and propose use from the rest of the transport (so that this chunk is a leaf). */
export interface AgentKit {
  readonly CanvasTransport: new (options: CanvasTransportOptions) => CanvasTransport;
  readonly tokenActor: typeof tokenActor;
  readonly create: (transport: CanvasTransport, name: string) => EaselAgent;
}

/** {@link EaselAgent.join}, loaded on the first call (a separate chunk in browser bundles). */
export async function joinAgent(options: EaselAgentOptions, kit: AgentKit): Promise<Result<EaselAgent, AgentError>> {
  const { name, color, presence = true, timeoutMs = 15_000, ...transportOptions } = options;
  if (typeof options.token === 'string') {
    const actor = kit.tokenActor(options.token);
    if (actor !== null && actor.kind !== 'agent') {
      return fail({
        code: 'not_an_agent',
        message: `the token's kind is "${actor.kind}"; an agent needs a token with kind "agent"`,
      });
    }
  }
  const transport = new kit.CanvasTransport(transportOptions).connect();
  const ready = await transport.ready({ timeoutMs });
  if (!ready.ok) {
    transport.close();
    return fail({ code: ready.error.code, message: `the canvas did not open: ${ready.error.message}` });
  }
  if (presence) {
    const joined = await transport.presence.join(
      { actor: { kind: 'agent', name, ...(color !== undefined ? { color } : {}) } },
      { timeoutMs },
    );
    if (!joined.ok) {
      transport.close();
      return fail({ code: joined.error.code, message: `presence: ${joined.error.message}` });
    }
  }
  return { ok: true, value: kit.create(transport, name) };
}

/** {@link EaselAgent.propose}, loaded on the first call. */
export async function proposeOps(
  transport: CanvasTransport,
  ops: readonly StateOp[],
  message: string,
  options: { expectedRevision?: number; timeoutMs?: number },
): Promise<Result<ProposalOutcome, CommandError>> {
  const applied = await transport.applyOps(
    ops,
    options.expectedRevision !== undefined ? { expectedRevision: options.expectedRevision } : {},
  );
  if (!applied.ok) return applied;
  const committed = await transport.commit(message);
  if (!committed.ok) {
    return fail({
      ...committed.error,
      message: `the ops were applied (revision ${applied.value.revision}) but the commit was refused: ${committed.error.message}`,
      details: { applied: true, revision: applied.value.revision, cause: committed.error.details },
    });
  }
  const seen = await transport.awaitCursor(
    committed.value.cursor,
    options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {},
  );
  if (!seen.ok) return seen;
  return {
    ok: true,
    value: { revision: committed.value.revision, cursor: committed.value.cursor, opsCursor: applied.value.cursor },
  };
}

function fail<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}
