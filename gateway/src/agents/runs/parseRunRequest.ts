import {
  describeZodError,
  partitionId,
  RUN_CREATE_COMMAND,
  runRequestSchema,
  type Scope,
  type TaskSpec,
} from '@easel/schemas';
import type { Principal } from '../../core/auth/Principal.ts';
import { fail, ok, type Result } from '../../core/errors/GatewayError.ts';
import type { LensView } from '../../core/lens/LensView.ts';
import { outOfRangeNumber } from '../../jobs/outOfRangeNumber.ts';
import type { PluginHost } from '../../plugins/index.ts';
import { type RunTool, runToolOf } from './RunTool.ts';

/** A validated `POST /v1/runs`. */
export interface RunPlan {
  /** The run's canvas scope (`canvas_id` required); `run_id` when the client chose one. */
  readonly scope: Scope;
  readonly task: TaskSpec;
  readonly tools: readonly RunTool[];
}

function invalid(path: string, message: string) {
  return fail('validation_failed', `${path}: ${message}`, { issues: [{ path, message }] });
}

/**
 * Validates a `POST /v1/runs` body (contract §10): the TaskSpec shape (400 naming the zod path,
 * e.g. `task.budget.width: …`), a canvas scope of the caller's tenant (403 `tenant_mismatch`),
 * tools and scorers that exist in the plugin host (400 naming the entry), refusal thresholds
 * that name scorers, and the caller's lens granting `run.create` (403). Never throws.
 */
export async function parseRunRequest(
  principal: Principal,
  body: unknown,
  plugins: Pick<PluginHost, 'manifest'>,
  lensView: (p: Principal, partition: string) => Promise<LensView>,
): Promise<Result<RunPlan>> {
  const parsed = runRequestSchema.safeParse(body);
  if (!parsed.success) {
    const infinite = outOfRangeNumber(body);
    if (infinite) return infinite;
    const d = describeZodError(parsed.error);
    return fail('validation_failed', d.message, d.details);
  }
  const { scope, task } = parsed.data;
  if (scope.canvas_id === undefined) return invalid('scope.canvas_id', 'required (a run works on one canvas)');
  if (scope.job_id !== undefined) return invalid('scope.job_id', 'not allowed here');
  if (scope.tenant_id !== principal.tenantId) {
    return fail('tenant_mismatch', `scope tenant_id '${scope.tenant_id}' is not the token's tenant`);
  }
  const tools: RunTool[] = [];
  const names = new Set<string>();
  for (const [i, spec] of task.tools.entries()) {
    const manifest = plugins.manifest(spec.plugin);
    if (!manifest) return invalid(`task.tools[${i}].plugin`, `no plugin '${spec.plugin}' is installed`);
    const tool = runToolOf(spec, manifest);
    if (!tool) {
      const known = Object.keys(manifest.tools).join(', ');
      return invalid(`task.tools[${i}].tool`, `plugin '${spec.plugin}' has no tool '${spec.tool}' (it has ${known})`);
    }
    if (names.has(tool.name)) {
      return invalid(
        `task.tools[${i}]${spec.alias !== undefined ? '.alias' : ''}`,
        `tool name '${tool.name}' is used twice`,
      );
    }
    names.add(tool.name);
    tools.push(tool);
  }
  const scorerIds = new Set<string>();
  for (const [i, scorer] of task.verify.scorers.entries()) {
    const [plugin = '', tool = ''] = scorer.tool.split('.');
    const manifest = plugins.manifest(plugin);
    if (!manifest || !Object.hasOwn(manifest.tools, tool)) {
      return invalid(`task.verify.scorers[${i}].tool`, `no plugin tool '${scorer.tool}' is installed`);
    }
    if (scorerIds.has(scorer.id))
      return invalid(`task.verify.scorers[${i}].id`, `scorer id '${scorer.id}' is used twice`);
    scorerIds.add(scorer.id);
  }
  const assertionIds = new Set<string>();
  for (const [i, assertion] of task.verify.assertions.entries()) {
    if (assertionIds.has(assertion.id)) {
      return invalid(`task.verify.assertions[${i}].id`, `assertion id '${assertion.id}' is used twice`);
    }
    assertionIds.add(assertion.id);
    if ((assertion.op === 'lte' || assertion.op === 'gte') && typeof assertion.value !== 'number') {
      return invalid(`task.verify.assertions[${i}].value`, `a number is required for op '${assertion.op}'`);
    }
    if (assertion.op === 'matches' && typeof assertion.value !== 'string') {
      return invalid(`task.verify.assertions[${i}].value`, "a regular expression string is required for op 'matches'");
    }
    if (assertion.op === 'matches' && typeof assertion.value === 'string') {
      try {
        new RegExp(assertion.value);
      } catch {
        return invalid(`task.verify.assertions[${i}].value`, 'is not a valid regular expression');
      }
    }
  }
  for (const id of Object.keys(task.verify.refusal_thresholds)) {
    if (!scorerIds.has(id)) {
      return invalid(
        `task.verify.refusal_thresholds.${id}`,
        `names no scorer (scorers: ${[...scorerIds].join(', ') || 'none'})`,
      );
    }
  }
  let view: LensView;
  try {
    view = await lensView(principal, partitionId(scope));
  } catch {
    return fail('unavailable', 'the lens policy could not be read; retry');
  }
  if (!view.canRunCommand(RUN_CREATE_COMMAND)) {
    return fail('forbidden', `your roles may not run command '${RUN_CREATE_COMMAND}' (start runs)`, {
      type: RUN_CREATE_COMMAND,
    });
  }
  return ok({ scope, task, tools });
}
