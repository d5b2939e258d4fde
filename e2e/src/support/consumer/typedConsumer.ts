// A TypeScript app of the packed packages (e2e/src/packedConsumer.test.ts copies it into a project outside
// the repository and runs `tsc --noEmit` on it): every public entry resolves to its shipped `.d.ts`, and the
// types are real (each `@ts-expect-error` below fails to compile if a declaration degraded to `any`).
import { type CanvasScope, type Cursor, compareCursors, encodeCursor } from '@easel/schemas';
import { envelopeGuard } from '@easel/schemas/guards';
import { createAnswerGuards } from '@easel/schemas/guards/answers';
import { commandOutcomeSchema } from '@easel/schemas/full';
import { ERROR_CODES } from '@easel/schemas/pure';
import { CanvasTransport, type CommandError, type Result, type SentCommand } from '@easel/transport';
import { EaselAgent } from '@easel/transport/agent';
import { SidecarClient } from '@easel/transport/sidecars';

const scope: CanvasScope = {
  tenant_id: 'acme',
  project_id: 'demo',
  app_id: 'web',
  surface_id: 'main',
  mode: 'edit',
  canvas_id: 'plan',
};
const canvas = new CanvasTransport({ baseUrl: 'http://127.0.0.1:8787', token: () => 'a token', scope });
export const sent: Promise<Result<SentCommand, CommandError>> = canvas.setToken('plan.title', 'Q3');
// @ts-expect-error a token id is a string
canvas.setToken(42, 'Q3');
// @ts-expect-error a scope has a tenant_id
export const badScope: CanvasScope = { ...scope, tenant_id: undefined };

const first: Cursor = { epoch: 'abcdefgh', seq: 1 };
export const order: number = compareCursors(first, { ...first, seq: 2 });
export const text: string = encodeCursor(first);
// @ts-expect-error a cursor is an object, not its text
compareCursors(text, first);

export const envelope: boolean = envelopeGuard.safeParse({}).success;
export const answers = createAnswerGuards;
export const outcome: boolean = commandOutcomeSchema.safeParse({}).success;
export const forbiddenStatus: number = ERROR_CODES.forbidden.status;
export const agentJoin: typeof EaselAgent.join = EaselAgent.join;
export const sidecars: typeof SidecarClient = SidecarClient;
