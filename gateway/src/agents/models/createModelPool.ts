import { LocalModel, type LocalModelOptions } from './LocalModel.ts';
import { ModelPool } from './ModelPool.ts';
import { OpenAiChatModel } from './OpenAiChatModel.ts';

/** Model configuration of a gateway (`easel serve --model-url`, `EASEL_MODEL_*`). */
export interface ModelConfig {
  /**
   * Base URL of an OpenAI-compatible chat-completions endpoint (e.g. `http://127.0.0.1:8000/v1`).
   * When set, that model is the default; the local model stays registered as `local`.
   */
  url?: string;
  /** The `model` sent to `url`. Default `default`. */
  name?: string;
  /** Bearer key for `url`. */
  apiKey?: string;
  /** Options of the built-in local model (token pace, …). */
  local?: Omit<LocalModelOptions, 'name'>;
  /** Turns' model by pool name (`local`, `openai:<name>`). Default: the OpenAI model when `url` is set, else `local`. */
  defaultModel?: string;
}

/** The pool name of the configured OpenAI-compatible model. */
export function openAiModelName(config: ModelConfig): string | null {
  return config.url ? `openai:${config.name ?? 'default'}` : null;
}

/** A pool with `local` (always) and the configured OpenAI-compatible model (when `url` is set). */
export function createModelPool(config: ModelConfig = {}): ModelPool {
  const remote = openAiModelName(config);
  const pool = new ModelPool({ defaultModel: config.defaultModel ?? remote ?? 'local' });
  pool.register('local', () => new LocalModel({ ...config.local, name: 'local' }));
  if (remote !== null && config.url) {
    const url = config.url;
    pool.register(
      remote,
      () =>
        new OpenAiChatModel({
          baseUrl: url,
          model: config.name ?? 'default',
          name: remote,
          ...(config.apiKey ? { apiKey: config.apiKey } : {}),
        }),
    );
  }
  return pool;
}

/** Reads a non-negative integer from the environment; undefined when unset or invalid. */
function envInt(env: NodeJS.ProcessEnv, key: string, max: number): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

/** What `easel serve` / `easel dev` pass to `createGateway({agents})`. */
export interface AgentsConfig {
  models: ModelConfig;
  /** Delay between `turn_final` and the commit, ms (diagnostics; crash tests). */
  commitDelayMs?: number;
}

/**
 * The agents configuration of the command line: `--model-url` (or `EASEL_MODEL_URL`),
 * `EASEL_MODEL_NAME`, `EASEL_MODEL_KEY`; `EASEL_LOCAL_TOKEN_DELAY_MS` (local model pace, default
 * 12) and `EASEL_TURN_COMMIT_DELAY_MS` (default 0). Default: the local model.
 */
export function agentsConfigFromEnv(modelUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): AgentsConfig {
  const url = modelUrl ?? (env.EASEL_MODEL_URL || undefined);
  const tokenDelayMs = envInt(env, 'EASEL_LOCAL_TOKEN_DELAY_MS', 10_000);
  const commitDelayMs = envInt(env, 'EASEL_TURN_COMMIT_DELAY_MS', 600_000);
  return {
    models: {
      ...(url ? { url } : {}),
      ...(env.EASEL_MODEL_NAME ? { name: env.EASEL_MODEL_NAME } : {}),
      ...(env.EASEL_MODEL_KEY ? { apiKey: env.EASEL_MODEL_KEY } : {}),
      ...(tokenDelayMs !== undefined ? { local: { tokenDelayMs } } : {}),
    },
    ...(commitDelayMs !== undefined ? { commitDelayMs } : {}),
  };
}
