// Picks and builds providers. The rest of pipe asks for a provider by name through
// ctx.services.provider(name) and never learns which one answers. Adding a provider: its
// file here (a RoleProvider), its name in the `provider` enum of schemas/config.schema.json
// and schemas/policy.schema.json (ProviderName is derived from it; test/providers/table.test.ts
// checks the two agree with this table), and one entry in PROVIDERS below.
import { PipeError } from '../errors.js';
import type { ProviderName, ProviderRequest, ProviderResponse, RoleProvider } from './contract.js';
import type { Config, Task } from '../types/generated/index.js';

export type { RoleProvider } from './contract.js';
export { ProviderError } from './contract.js';

export interface ProviderFactoryOptions {
  config: Config;
  task: Task;
  /** Folder of the task file (fake patch_file paths resolve from it). */
  taskDir: string;
  env?: NodeJS.ProcessEnv;
}

interface ProviderEntry {
  /** Throws E_PROVIDER_CONFIG (exit 2) naming what is missing, before anything runs. */
  checkReady(config: Config, env: NodeJS.ProcessEnv): void;
  /** What to check when the provider rejects the credentials (an auth error ends the run). */
  authHint: string;
  /** The API enforces a JSON Schema on the answer (ProviderRequest.responseSchema); the JSON patch is asked that way. */
  structuredOutputs: boolean;
  /** Builds the provider; its module (and SDK) loads on the first call, so a run that never calls pays nothing. */
  load(options: ProviderFactoryOptions, env: NodeJS.ProcessEnv): Promise<RoleProvider>;
}

function checkOpenAIReady(config: Config, env: NodeJS.ProcessEnv): void {
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
}

/** The one list of providers. */
const PROVIDERS: Record<ProviderName, ProviderEntry> = {
  fake: {
    checkReady() {},
    authHint: "check the fake provider's script (fake.responses)",
    structuredOutputs: false,
    async load(o) {
      const { createFakeProvider } = await import('./fake.js');
      const fromTask = o.task.fake !== undefined;
      return createFakeProvider({
        responses: (o.task.fake ?? o.config.fake)?.responses ?? [],
        taskDir: o.taskDir,
        scriptSource: fromTask ? `task ${o.task.id}: fake.responses` : 'config fake.responses',
      });
    },
  },
  openai: {
    checkReady: checkOpenAIReady,
    authHint: 'check OPENAI_API_KEY and OPENAI_BASE_URL',
    structuredOutputs: true,
    async load(o, env) {
      const { createOpenAIProvider } = await import('./openai.js');
      return createOpenAIProvider({ apiKey: env.OPENAI_API_KEY as string, settings: o.config.openai, baseURL: env.OPENAI_BASE_URL });
    },
  },
};

/** Every provider name, in the table's order (the --provider flag's options). */
export const PROVIDER_NAMES: readonly ProviderName[] = Object.freeze(Object.keys(PROVIDERS) as ProviderName[]);

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDERS, name);
}

/** What the rest of pipe may know about a provider without loading it. */
export function providerTraits(name: ProviderName): Pick<ProviderEntry, 'authHint' | 'structuredOutputs'> {
  const { authHint, structuredOutputs } = PROVIDERS[name];
  return { authHint, structuredOutputs };
}

/** Throws E_PROVIDER_CONFIG (exit 2) for an unknown name, or naming what is missing, before anything runs. */
export function assertProviderReady(name: string, config: Config, env: NodeJS.ProcessEnv): asserts name is ProviderName {
  if (!isProviderName(name)) {
    throw new PipeError('E_PROVIDER_CONFIG', `unknown provider '${name}' (known: ${PROVIDER_NAMES.join(', ')})`, {
      hint: `use ${PROVIDER_NAMES.map((n) => `--provider ${n}`).join(' or ')}, or set provider: in .pipe/config.yaml`,
    });
  }
  PROVIDERS[name].checkReady(config, env);
}

/** One provider instance per name for the whole run (the fake's script position lives in it). */
export function createProviderFactory(options: ProviderFactoryOptions): (name: ProviderName) => RoleProvider {
  const env = options.env ?? process.env;
  const instances = new Map<ProviderName, RoleProvider>();
  return (name) => {
    let provider = instances.get(name);
    if (provider) return provider;
    assertProviderReady(name, options.config, env);
    let loading: Promise<RoleProvider> | null = null;
    provider = {
      name,
      async complete(request: ProviderRequest): Promise<ProviderResponse> {
        loading ??= PROVIDERS[name].load(options, env);
        return (await loading).complete(request);
      },
    };
    instances.set(name, provider);
    return provider;
  };
}
