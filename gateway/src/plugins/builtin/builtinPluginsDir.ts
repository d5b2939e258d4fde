import { fileURLToPath } from 'node:url';

/**
 * The folder holding Easel's built-in plugin folders (contract §9: built-ins load at start). Each
 * sub-folder named in {@link BUILTIN_PLUGIN_NAMES} is one plugin (`plugin.json` + its ESM entry);
 * {@link BUILTIN_SHARED_FOLDER} holds modules they import; files beside them (README, tests) are not plugins.
 */
export const BUILTIN_PLUGINS_DIR: string = fileURLToPath(new URL('.', import.meta.url));

/** The built-in plugins, one folder each under {@link BUILTIN_PLUGINS_DIR}. */
export const BUILTIN_PLUGIN_NAMES = ['canvas-stats', 'frame-analysis', 'whiteboard-thumbnail'] as const;

export type BuiltinPluginName = (typeof BUILTIN_PLUGIN_NAMES)[number];

/** The sub-folder of {@link BUILTIN_PLUGINS_DIR} holding modules the built-ins share (not a plugin). */
export const BUILTIN_SHARED_FOLDER = 'shared';
