import { z } from 'zod';
import { actorKindSchema } from '../identity/actorKindSchema.ts';

const point = z.object({ x: z.number(), y: z.number() });

/**
 * A presence participant's awareness state (contract §7). Agents may appear too. Ephemeral:
 * never truth, never stored.
 */
export const awarenessStateSchema = z.looseObject({
  actor: z.object({
    id: z.string().min(1).max(256),
    kind: actorKindSchema,
    name: z.string().max(128),
    color: z.string().regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, { error: 'must be a color #rgb or #rrggbb' }),
  }),
  cursor: point
    .extend({ root: z.string().max(64).optional() })
    .nullable()
    .optional(),
  selection: z.array(z.string().max(256)).max(1000).nullable().optional(),
  viewport: z
    .object({
      x: z.number(),
      y: z.number(),
      width: z.number().min(0),
      height: z.number().min(0),
      zoom: z.number().gt(0).optional(),
    })
    .nullable()
    .optional(),
  gesture: z
    .object({ kind: z.string().min(1).max(32), at: point.optional() })
    .nullable()
    .optional(),
});

export type AwarenessState = z.infer<typeof awarenessStateSchema>;
