import type { EventSpine, PartitionId, StoredOutcome } from '../spine/EventSpine.ts';

/** One command's part of a write turn. */
interface TurnJob {
  readonly commandId: string | undefined;
  /**
   * Runs inside the turn, after catch-up; `stored` is the outcome already stored under the
   * command id, `head` the partition head the turn started at.
   */
  readonly run: (stored: StoredOutcome | null, head: number) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

interface PartitionQueue {
  jobs: TurnJob[];
  running: boolean;
}

/** What {@link PartitionTurns} needs. */
export interface PartitionTurnsDeps {
  readonly spine: Pick<EventSpine, 'turn' | 'lookupCommand'>;
  /** Brings this node's loaded canvases of the partition up to `head` (other nodes' events). */
  readonly catchUp: (partition: PartitionId, head: number) => Promise<void>;
  /** Most commands in one turn (one transaction). Default 512. */
  readonly maxJobsPerTurn?: number;
}

/**
 * Commands on a shared spine (several writer nodes): each partition's commands run inside the
 * spine's write turns, so no other node appends to the partition meanwhile. A turn first
 * brings the loaded canvases up to the partition head, then looks up the turn's command ids
 * (one round, so a duplicate sent to two nodes is caught before it is appended), then runs the
 * jobs one after another. Commands that arrive while a turn is open wait for the next one:
 * every turn carries all that queued (group commit across commands).
 */
export class PartitionTurns {
  private readonly queues = new Map<PartitionId, PartitionQueue>();
  private readonly maxJobs: number;

  constructor(private readonly deps: PartitionTurnsDeps) {
    this.maxJobs = deps.maxJobsPerTurn ?? 512;
  }

  /** Runs `run` inside a write turn of `partition`; resolves with its value. */
  submit<T>(
    partition: PartitionId,
    commandId: string | undefined,
    run: (stored: StoredOutcome | null, head: number) => T | Promise<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let queue = this.queues.get(partition);
      if (queue === undefined) {
        queue = { jobs: [], running: false };
        this.queues.set(partition, queue);
      }
      queue.jobs.push({ commandId, run, resolve: resolve as (value: unknown) => void, reject });
      if (!queue.running) void this.drive(partition, queue);
    });
  }

  private async drive(partition: PartitionId, queue: PartitionQueue): Promise<void> {
    queue.running = true;
    try {
      // Bounded: every turn takes at least one job off the queue.
      while (queue.jobs.length > 0) {
        const batch = queue.jobs.splice(0, this.maxJobs);
        const settled = new Set<TurnJob>();
        try {
          await this.deps.spine.turn(partition, async (head) => {
            await this.deps.catchUp(partition, head);
            const stored = await Promise.all(
              batch.map((job) =>
                job.commandId === undefined ? null : this.deps.spine.lookupCommand(partition, job.commandId),
              ),
            );
            for (let i = 0; i < batch.length; i++) {
              const job = batch[i]!;
              settled.add(job);
              try {
                job.resolve(await job.run(stored[i] ?? null, head));
              } catch (err) {
                job.reject(err);
              }
            }
          });
        } catch (err) {
          // The turn failed before or while running: jobs that ran see it through their appends'
          // `durable` promises; the others fail here.
          for (const job of batch) if (!settled.has(job)) job.reject(err);
        }
      }
    } finally {
      queue.running = false;
      if (queue.jobs.length === 0) this.queues.delete(partition);
      else void this.drive(partition, queue);
    }
  }
}
