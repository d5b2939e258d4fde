import { describeZodError, entityIdSchema, slugSchema } from '@easel/schemas';
import { z } from 'zod';

/** Harness templates a flow can ask for (`@easel/harness` StudioTemplate, SplitTemplate, ConsoleTemplate). */
export const FLOW_TEMPLATES = ['studio', 'split', 'console'] as const;
export type FlowTemplate = (typeof FLOW_TEMPLATES)[number];

/** Most canvases one flow may open (each is one SSE stream and one presence socket). */
export const MAX_FLOW_CANVASES = 6;

/** One canvas of a flow: created on load when missing. */
export const flowCanvasSchema = z.strictObject({
  canvas_id: entityIdSchema,
  canvas_type: slugSchema,
  title: z.string().trim().min(1).max(120),
});

/** The agent a flow brings: a suggested first prompt (sent with `chat.send` through the ChatRail). */
export const flowAgentSchema = z.strictObject({
  prompt: z.string().trim().min(1).max(2000),
  name: z.string().trim().min(1).max(60).optional(),
  /** The canvas the prompt is about (default: the flow's first canvas); one of `canvases`. */
  canvas_id: entityIdSchema.optional(),
});

/**
 * A flow file (`host/flows/<name>.json`): a harness template, two or more canvases and an optional
 * agent. `project_id` defaults to `demo` (the project `easel dev` seeds with the demo lens policy).
 */
export const flowSchema = z
  .strictObject({
    name: slugSchema,
    title: z.string().trim().min(1).max(120).optional(),
    description: z.string().max(500).optional(),
    template: z.enum(FLOW_TEMPLATES),
    project_id: slugSchema.default('demo'),
    canvases: z.array(flowCanvasSchema).min(2).max(MAX_FLOW_CANVASES),
    agent: flowAgentSchema.optional(),
  })
  .superRefine((flow, ctx) => {
    const seen = new Set<string>();
    flow.canvases.forEach((canvas, index) => {
      if (seen.has(canvas.canvas_id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['canvases', index, 'canvas_id'],
          message: `duplicate canvas_id '${canvas.canvas_id}'`,
        });
      }
      seen.add(canvas.canvas_id);
    });
    const target = flow.agent?.canvas_id;
    if (target !== undefined && !seen.has(target)) {
      ctx.addIssue({ code: 'custom', path: ['agent', 'canvas_id'], message: `must be one of the flow's canvases` });
    }
  });

export type Flow = z.infer<typeof flowSchema>;
export type FlowCanvas = z.infer<typeof flowCanvasSchema>;

/** Why a flow could not be used. */
export interface FlowError {
  code: 'invalid_flow' | 'unknown_flow';
  message: string;
  /** The failing paths (`canvases[1].canvas_type`) when the file is malformed. */
  issues?: Array<{ path: string; message: string }>;
}

export type FlowResult = { ok: true; value: Flow } | { ok: false; error: FlowError };

/** Validates a parsed flow file; a bad one is a value naming the first failing paths, never a throw. */
export function parseFlow(input: unknown, source = 'flow'): FlowResult {
  const parsed = flowSchema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const described = describeZodError(parsed.error);
  return {
    ok: false,
    error: { code: 'invalid_flow', message: `${source}: ${described.message}`, issues: described.details.issues },
  };
}
