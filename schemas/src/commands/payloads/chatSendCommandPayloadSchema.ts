import { z } from 'zod';

/** `chat.send` payload: `{text}`; starts an agent turn. */
export const chatSendCommandPayloadSchema = z.strictObject({
  text: z.string().min(1, { error: 'must not be empty' }).max(20_000, { error: 'must be at most 20000 characters' }),
});

export type ChatSendCommandPayload = z.infer<typeof chatSendCommandPayloadSchema>;
