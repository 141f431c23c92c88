// Picks and builds providers. The rest of pipe asks for a provider by name through
// ctx.services.provider(name) and never learns which one answers.
import { PipeError } from '../errors.js';
import type { ProviderName } from './contract.js';
import type { Config, Task } from '../types/generated/index.js';
import type { RoleProvider } from './contract.js';
import { createFakeProvider } from './fake.js';
import { createOpenAIProvider } from './openai.js';

export type { RoleProvider } from './contract.js';
export { ProviderError } from './contract.js';

export interface ProviderFactoryOptions {
  config: Config;
  task: Task;
  /** Folder of the task file (fake patch_file paths resolve from it). */
  taskDir: string;
  env?: NodeJS.ProcessEnv;
}

/** Throws E_PROVIDER_CONFIG (exit 2) naming what is missing before anything runs. */
export function assertProviderReady(name: ProviderName, config: Config, env: NodeJS.ProcessEnv): void {
  if (name === 'fake') return;
  if (name === 'openai') {
    if (!env.OPENAI_API_KEY || !env.OPENAI_API_KEY.trim()) {
      throw new PipeError('E_PROVIDER_CONFIG', 'provider openai needs OPENAI_API_KEY in the environment', {
        hint: 'set OPENAI_API_KEY in the environment (pipe reads the key from nowhere else), or run with --provider fake',
      });
    }
    const base = env.OPENAI_BASE_URL || config.openai?.base_url;
    if (base) {
      try {
        new URL(base);
      } catch {
        throw new PipeError('E_PROVIDER_CONFIG', `provider openai: base URL '${base}' (${env.OPENAI_BASE_URL ? 'OPENAI_BASE_URL' : 'openai.base_url'}) is not a valid URL`);
      }
    }
    return;
  }
  throw new PipeError('E_PROVIDER_CONFIG', `unknown provider '${String(name)}' (known: fake, openai)`);
}

/** One provider instance per name for the whole run (the fake's script position lives in it). */
export function createProviderFactory(options: ProviderFactoryOptions): (name: ProviderName) => RoleProvider {
  const env = options.env ?? process.env;
  const instances = new Map<ProviderName, RoleProvider>();
  return (name) => {
    let provider = instances.get(name);
    if (provider) return provider;
    assertProviderReady(name, options.config, env);
    if (name === 'fake') {
      const fromTask = options.task.fake !== undefined;
      provider = createFakeProvider({
        responses: (options.task.fake ?? options.config.fake)?.responses ?? [],
        taskDir: options.taskDir,
        scriptSource: fromTask ? `task ${options.task.id}: fake.responses` : 'config fake.responses',
      });
    } else {
      provider = createOpenAIProvider({ apiKey: env.OPENAI_API_KEY as string, settings: options.config.openai, baseURL: env.OPENAI_BASE_URL });
    }
    instances.set(name, provider);
    return provider;
  };
}
