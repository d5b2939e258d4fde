/** The only variables a plugin process inherits from the gateway (HOME is replaced). */
export const SANDBOX_ENV_KEYS = ['PATH', 'NODE_ENV', 'TZ', 'LANG'] as const;

/**
 * The scrubbed environment of a plugin process: PATH, NODE_ENV, TZ and LANG from the gateway,
 * HOME = the plugin folder, and nothing else (no secrets such as `EASEL_JWT_SECRET`, no
 * `NODE_OPTIONS` loaders).
 */
export function sandboxEnv(pluginDir: string, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of SANDBOX_ENV_KEYS) {
    const value = from[key];
    if (typeof value === 'string') env[key] = value;
  }
  env.HOME = pluginDir;
  return env;
}
