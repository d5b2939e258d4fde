import type { CanvasScope, StateOp } from '@easel/schemas';
import { CanvasTransport, type CanvasTransportOptions } from '../CanvasTransport.ts';
import type { CommandError, CommandErrorCode } from '../commands/CommandError.ts';
import type { SendOptions } from '../commands/CommandSender.ts';
import type { Result } from '../lib/Result.ts';
import type { TokenSource } from '../lib/token.ts';
import type { Presence, PresenceError } from '../presence/Presence.ts';
import { tokenActor } from '../presence/tokenActor.ts';
import type { Turn } from './Turn.ts';

export interface EaselAgentOptions extends Omit<CanvasTransportOptions, 'baseUrl' | 'token' | 'scope'> {
  /** Gateway origin, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** The agent's bearer token (a JWT with `kind: "agent"`), or a function returning one. */
  token: TokenSource;
  /** The canvas to join. */
  scope: CanvasScope;
  /** The name others see in presence, e.g. `Planner bot`. */
  name: string;
  /** Presence colour (`#rgb` / `#rrggbb`); default: derived from the actor id. */
  color?: string;
  /** Appear in presence (default true). Without it the agent only reads and writes the canvas. */
  presence?: boolean;
  /** How long `join` waits for the canvas (CANVAS_READY) and for presence, each, ms. Default 15 000. */
  timeoutMs?: number;
}

/**
 * Why an agent could not join: the canvas stream's answer (`unauthenticated`, `forbidden`,
 * `timeout`, …), presence's (`refused`, `not_found`, …), or `not_an_agent` (the token is a JWT
 * whose `kind` is not `agent`: the gateway would not show it as an agent).
 */
export interface AgentError {
  readonly code: CommandErrorCode | PresenceError['code'] | 'not_an_agent';
  readonly message: string;
}

/** A proposal applied and committed: the commit's revision and cursor. */
export interface ProposalOutcome {
  /** The canvas revision after the commit boundary. */
  readonly revision: number;
  /** The cursor of the `canvas_commit` event (the mirror has reached it when `propose` resolves). */
  readonly cursor: string;
  /** The cursor of the `state.ops` change. */
  readonly opsCursor: string;
}

/**
 * An agent on a canvas, in a few lines: `EaselAgent.join(...)` connects a {@link CanvasTransport},
 * waits for the canvas and appears in presence as kind `agent`; `say(text)` streams a turn;
 * `propose(ops, message)` applies block ops and commits them; `leave()` disconnects.
 */
export class EaselAgent {
  readonly transport: CanvasTransport;
  readonly name: string;

  private constructor(transport: CanvasTransport, name: string) {
    this.transport = transport;
    this.name = name;
  }

  /** Connects, waits for the canvas, joins presence. Never rejects; on failure nothing stays open. */
  static async join(options: EaselAgentOptions): Promise<Result<EaselAgent, AgentError>> {
    const { joinAgent } = await import('./agentCalls.ts');
    return joinAgent(options, {
      CanvasTransport,
      tokenActor,
      create: (transport, name) => new EaselAgent(transport, name),
    });
  }

  /** Presence on the canvas (e.g. `presence.updateLocal({cursor: {x, y}})`, `presence.peers()`). */
  get presence(): Presence {
    return this.transport.presence;
  }

  /**
   * Starts a turn (`chat.send`): the {@link Turn} streams its tokens, then its final text and
   * commit outcome. Never rejects.
   */
  say(text: string, options?: SendOptions): Promise<Result<Turn, CommandError>> {
    return this.transport.chat.send(text, options);
  }

  /**
   * Applies `ops` (`state.ops`, one atomic change) and marks a revision boundary with `message`
   * (`canvas.commit`), then waits until the local mirror shows the commit. With
   * `expectedRevision` the ops are refused (`conflict`) unless the canvas is still at that revision.
   * When the ops applied but the commit was refused, the error says so (`details.applied: true`).
   */
  async propose(
    ops: readonly StateOp[],
    message: string,
    options: { expectedRevision?: number; timeoutMs?: number } = {},
  ): Promise<Result<ProposalOutcome, CommandError>> {
    const { proposeOps } = await import('./agentCalls.ts');
    return proposeOps(this.transport, ops, message, options);
  }

  /** Leaves presence (others see the agent go) and closes the transport. */
  leave(): void {
    this.transport.close(); // leaves presence too
  }
}
