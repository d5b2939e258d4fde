import type pino from 'pino';
import type { BusEvent } from '../../core/bus/EventBus.ts';
import type { TurnEnd, TurnInfo } from '../../core/commands/TurnLedger.ts';
import type { GatewayCore } from '../../core/GatewayCore.ts';
import type { PartitionId } from '../../core/spine/EventSpine.ts';
import type { ModelPool } from '../models/ModelPool.ts';
import { InteractionSession } from './InteractionSession.ts';
import { recoverTurns } from './recoverTurns.ts';

/** Options of {@link InteractionManager}. */
export interface InteractionManagerOptions {
  core: GatewayCore;
  /** The models turns use (the caller closes it). */
  pool: ModelPool;
  /** The model turns use (pool default when undefined). */
  model?: string;
  logger?: pino.Logger;
  /** Telemetry events queued per session before the overflow policy applies. Default 256. */
  queueCapacity?: number;
  /** Messages of earlier turns the model sees per session. Default 20. */
  historyLimit?: number;
  /**
   * Waits this long between `turn_final` and the commit, ms. Default 0. A diagnostics knob
   * (`EASEL_TURN_COMMIT_DELAY_MS`): crash tests use it to kill a gateway between the two.
   */
  commitDelayMs?: number;
  /** Sessions kept; idle ones beyond it are forgotten (their history with them). Default 10000. */
  maxSessions?: number;
}

/** What `/metrics`-style reporting or tests read. */
export interface InteractionStats {
  sessions: number;
  busySessions: number;
  /** Turns ended `interrupted` by the recovery at start. */
  recovered: number;
  coalesced: number;
  dropped: number;
}

/**
 * Owns the interaction sessions of this gateway node (issue 6): starts a turn in its session
 * once its `turn_accepted` is published (`GatewayCore.turnLedger.onAccepted`; never before the
 * ACK), stops it at once when `turn.cancel` ended it (`onEnded`), and on a shared spine also
 * when another node appended its `turn_cancelled` (bus subscription per partition with open
 * turns). `start()` first ends the turns a stopped gateway left open (`interrupted`).
 */
export class InteractionManager {
  private readonly sessions = new Map<string, InteractionSession>();
  private readonly offLedger: Array<() => void> = [];
  private readonly remote = new Map<PartitionId, { off: () => void; open: number }>();
  private recovered = 0;
  private closed = false;

  private constructor(private readonly options: InteractionManagerOptions) {}

  /** Recovers interrupted turns, then listens for new ones. Call before the gateway serves. */
  static async start(options: InteractionManagerOptions): Promise<InteractionManager> {
    const manager = new InteractionManager(options);
    manager.recovered = (await recoverTurns(options.core, options.logger)).length;
    const ledger = options.core.turnLedger;
    manager.offLedger.push(
      ledger.onAccepted((turn) => manager.onAccepted(turn)),
      ledger.onEnded((turn, how) => manager.onEnded(turn, how)),
    );
    return manager;
  }

  /** The session, if this node has it. */
  session(sessionId: string): InteractionSession | undefined {
    return this.sessions.get(sessionId);
  }

  get stats(): InteractionStats {
    let busy = 0;
    let coalesced = 0;
    let dropped = 0;
    for (const s of this.sessions.values()) {
      if (s.busy) busy += 1;
      coalesced += s.queueStats.coalesced;
      dropped += s.queueStats.dropped;
    }
    return { sessions: this.sessions.size, busySessions: busy, recovered: this.recovered, coalesced, dropped };
  }

  private onAccepted(turn: TurnInfo): void {
    if (this.closed) return;
    let session = this.sessions.get(turn.sessionId);
    if (!session) {
      session = new InteractionSession(
        turn.sessionId,
        this.options.core,
        this.options.pool,
        {
          queueCapacity: this.options.queueCapacity ?? 256,
          historyLimit: this.options.historyLimit ?? 20,
          commitDelayMs: this.options.commitDelayMs ?? 0,
          ...(this.options.model !== undefined ? { model: this.options.model } : {}),
        },
        this.options.logger,
      );
      this.sessions.set(turn.sessionId, session);
      this.evictIdle();
    }
    this.watchRemote(turn.partition, +1);
    session.start_turn(turn);
  }

  private onEnded(turn: TurnInfo, how: TurnEnd): void {
    this.watchRemote(turn.partition, -1);
    if (how === 'cancelled') this.sessions.get(turn.sessionId)?.cancel_turn(turn.turnId, { appended: true });
  }

  /** Shared spines: hear `turn_cancelled` appended by other nodes for this node's open turns. */
  private watchRemote(partition: PartitionId, delta: number): void {
    const core = this.options.core;
    if (core.spine.writers !== 'shared') return;
    const entry = this.remote.get(partition);
    if (delta > 0) {
      if (entry) entry.open += 1;
      else {
        const off = core.bus.subscribe(partition, (events) => this.onPartitionEvents(partition, events));
        this.remote.set(partition, { off, open: 1 });
      }
      return;
    }
    if (!entry) return;
    entry.open -= 1;
    if (entry.open <= 0) {
      entry.off();
      this.remote.delete(partition);
    }
  }

  private onPartitionEvents(partition: PartitionId, events: readonly BusEvent[]): void {
    for (const event of events) {
      if (event.type !== 'turn_cancelled' || event.seq === null) continue;
      let turnId: unknown;
      try {
        turnId = (JSON.parse(event.envelope) as { payload?: { turn_id?: unknown } }).payload?.turn_id;
      } catch {
        continue;
      }
      if (typeof turnId !== 'string') continue;
      const known = this.options.core.turnLedger.get(partition, turnId);
      if (known && known.ended === null && event.seq > known.info.acceptedSeq) {
        this.options.core.turnLedger.end(partition, turnId, 'cancelled');
      }
    }
  }

  private evictIdle(): void {
    const max = this.options.maxSessions ?? 10_000;
    if (this.sessions.size <= max) return;
    const idle = [...this.sessions.values()].filter((s) => !s.busy).sort((a, b) => a.lastUsed - b.lastUsed);
    for (const s of idle.slice(0, this.sessions.size - max)) this.sessions.delete(s.id);
  }

  /** Cancels running turns (`turn_cancelled`, reason `shutdown`) and waits for their events. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.offLedger) off();
    for (const { off } of this.remote.values()) off();
    this.remote.clear();
    await Promise.all([...this.sessions.values()].map((s) => s.close('shutdown')));
  }
}
