import { entityIdSchema, partitionId, type Scope } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';
import { fail, ok, type Result } from '../errors/GatewayError.ts';
import type { PartitionId } from '../spine/EventSpine.ts';

/** How {@link findRecord} finds the records of one kind (a run's, a job's). */
export interface RecordLookup<R> {
  /** What the record is of, as messages say it (`run`); its id field is `${noun}_id`. */
  readonly noun: string;
  /** The record of an entity live on this node (the freshest), if it is live here. */
  live(partition: PartitionId, id: string): R | undefined;
  /** The stored record: null when there is none, `corrupt` when it cannot be read; rejects when the store is down. */
  load(partition: PartitionId, id: string): Promise<R | null | 'corrupt'>;
  /** What a stored record (not live here) reads as now, e.g. an orphan once settled. */
  current(stored: R): Promise<R>;
}

/**
 * `GET /v1/<kind>s/{id}`: the record of `id` in `scope`, from this node if it is live here,
 * else from the store (checked against this node again afterwards: it may have been registered
 * meanwhile). Coded errors (contract §3): 403 `tenant_mismatch`, 400 `validation_failed` for a
 * malformed id, 404 `not_found`, 503 `unavailable` when the store is down or the record unreadable.
 * Never throws.
 */
export async function findRecord<R>(
  lookup: RecordLookup<R>,
  principal: Pick<Principal, 'tenantId'>,
  scope: Scope,
  id: string,
): Promise<Result<R>> {
  const { noun } = lookup;
  if (scope.tenant_id !== principal.tenantId) {
    return fail('tenant_mismatch', `scope tenant_id '${scope.tenant_id}' is not the token's tenant`);
  }
  if (!entityIdSchema.safeParse(id).success) {
    return fail('validation_failed', `${noun}_id: must be a slug or a ULID`, {
      issues: [{ path: `${noun}_id`, message: 'must be a slug or a ULID' }],
    });
  }
  const partition = partitionId(scope);
  const live = lookup.live(partition, id);
  if (live !== undefined) return ok(live);
  let stored: R | null | 'corrupt';
  try {
    stored = await lookup.load(partition, id);
  } catch {
    return fail('unavailable', `the ${noun} store is unavailable; retry`);
  }
  if (stored === 'corrupt') return fail('unavailable', `the stored record of ${noun} '${id}' cannot be read`);
  if (stored === null) return fail('not_found', `no ${noun} '${id}' in project '${scope.project_id}'`);
  const again = lookup.live(partition, id);
  if (again !== undefined) return ok(again);
  return ok(await lookup.current(stored));
}
