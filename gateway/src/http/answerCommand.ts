import type { ServerResponse } from 'node:http';
import { decodeCursor } from '@easel/schemas';
import { type StageTrace, stageTrace } from '../trace/StageTrace.ts';
import type { Principal } from '../core/auth/Principal.ts';
import { commandRateLimitOf, sendRateLimited } from './commandRateLimit.ts';
import type { HttpDeps } from './HttpDeps.ts';
import { sendRawError } from './sendError.ts';
import { sendJson } from './sendJson.ts';

/** The two command endpoints (contract §5). */
export type CommandRoute = 'single' | 'batch';

function commandType(body: unknown): string {
  const type = (body as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
}

/** The commands a batch body holds, as the rate limit counts them (a body without a list: 1). */
function batchCount(body: unknown): number {
  const commands = (body as { commands?: unknown } | null)?.commands;
  return Array.isArray(commands) && commands.length > 1 ? commands.length : 1;
}

/**
 * Submits an authenticated, parsed command body and answers it: 200 with the outcome (single)
 * or one outcome per command (batch), else the contract §3 error. Counts every command's
 * result in `easel_commands_total`. Shared by the plain `node:http` path and the Express route.
 *
 * First the per-actor rate limit (`commandRateLimit.ts`): a single command takes one token of
 * the actor's bucket, a batch one per command; over it the request is answered 429
 * `rate_limited` with `Retry-After` (a batch of more commands than the burst: 413) before
 * anything is submitted, so nothing is applied and no command id is recorded.
 */
export async function answerCommand(
  deps: HttpDeps,
  res: ServerResponse,
  requestId: string,
  route: CommandRoute,
  principal: Principal,
  body: unknown,
): Promise<void> {
  const limit = commandRateLimitOf(deps);
  if (limit !== null) {
    const count = route === 'single' ? 1 : batchCount(body);
    const waitMs = limit.take(principal.tenantId, principal.actorId, count);
    if (waitMs !== 0) {
      const type = route === 'single' ? commandType(body) : 'batch';
      sendRateLimited(deps, res, requestId, route, type, limit, count, waitMs);
      return;
    }
  }
  if (route === 'single') {
    const result = await deps.core.submit(principal, body);
    const type = commandType(body);
    if (!result.ok) {
      deps.metrics.command(type, result.error.code);
      sendRawError(res, requestId, result.error.code, result.error.message, result.error.details);
      return;
    }
    deps.metrics.command(type, result.value.status);
    if (stageTrace !== null) traceAnswer(stageTrace, res, body, result.value.cursor);
    sendJson(res, 200, result.value);
    return;
  }
  const result = await deps.core.submitBatch(principal, body);
  if (!result.ok) {
    deps.metrics.command('batch', result.error.code);
    sendRawError(res, requestId, result.error.code, result.error.message, result.error.details);
    return;
  }
  const commands = (body as { commands?: unknown[] }).commands ?? [];
  const outcomes = result.value.outcomes;
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i]!;
    deps.metrics.command(commandType(commands[i]), outcome.status === 'rejected' ? outcome.error.code : outcome.status);
  }
  sendJson(res, 200, result.value);
}

/** Probe only: ties the request's stamps to its durable seq (and the client's seq, the command id's suffix). */
function traceAnswer(trace: StageTrace, res: ServerResponse, body: unknown, cursor: string): void {
  const decoded = decodeCursor(cursor);
  if (!decoded.ok) return;
  const seq = decoded.value.seq;
  const id = String((body as { command_id?: unknown }).command_id ?? '');
  const clientSeq = Number(id.slice(id.lastIndexOf('-') + 1));
  trace.request(res, 'resolved');
  res.once('finish', () => trace.seqs(seq, seq, 'ackFinish'));
  trace.link(res, seq, clientSeq);
}
