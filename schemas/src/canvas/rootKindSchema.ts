import { z } from 'zod';

/** The Yjs shared type of a canvas root (contract §5). */
export const ROOT_KINDS = ['map', 'array', 'text', 'xml'] as const;

export const rootKindSchema = z.enum(ROOT_KINDS, { error: `must be one of ${ROOT_KINDS.join(', ')}` });

export type RootKind = z.infer<typeof rootKindSchema>;
