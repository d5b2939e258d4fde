/**
 * Command types of v1 (contract §5). `mutates`: whether an applied command adds 1 to the canvas
 * revision (`canvas.create` sets it to 0; `canvas.commit` labels the current revision).
 */
export const COMMAND_TYPES = {
  'canvas.create': {
    mutates: false,
    summary: 'Creates the canvas named in scope.canvas_id from a registered canvas type.',
  },
  'token.set': { mutates: true, summary: 'Sets a token to a value valid for its declared type; emits token_patch.' },
  'token.delete': { mutates: true, summary: 'Resets a token to its declared default; emits token_patch.' },
  'state.update': { mutates: true, summary: 'Applies a base64 Yjs update; emits state_patch.' },
  'state.ops': { mutates: true, summary: 'Applies typed block ops as one Yjs transaction; emits state_patch.' },
  'canvas.commit': { mutates: false, summary: 'Labels the current revision; emits canvas_commit.' },
  'canvas.revert': { mutates: true, summary: 'Restores the state of an earlier revision; emits canvas_commit.' },
  'chat.send': { mutates: false, summary: 'Starts an agent turn.' },
  'turn.cancel': { mutates: false, summary: 'Cancels a turn; nothing of it is applied.' },
} as const satisfies Record<string, { mutates: boolean; summary: string }>;

export type CommandType = keyof typeof COMMAND_TYPES;

/** Every command type, in registry order. */
export const COMMAND_TYPE_LIST = Object.keys(COMMAND_TYPES) as [CommandType, ...CommandType[]];
