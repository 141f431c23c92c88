// Maps `uses` to step modules. Built-in step types load lazily (one file each in
// src/steps/); tests and extensions register more with registerStep(). Adding a step
// type: its file in src/steps/, its `with` schema in schemas/steps/, one line below.
import type { StepModule } from './types.js';

type Loader = () => Promise<StepModule<never>>;

/** The one list of built-in step types. */
const builtinLoaders: Record<string, Loader> = {
  // `name: async () => (await import('../steps/name.js')).step,`
  budget: async () => (await import('../steps/budget.js')).step,
  route: async () => (await import('../steps/route.js')).step,
  propose: async () => (await import('../steps/propose.js')).step,
  gate: async () => (await import('../steps/gate.js')).step,
  apply: async () => (await import('../steps/apply.js')).step,
  rollback: async () => (await import('../steps/rollback.js')).step,
  validate: async () => (await import('../steps/validate.js')).step,
  escalate: async () => (await import('../steps/escalate.js')).step,
};

export const BUILTIN_STEP_TYPES: readonly string[] = Object.freeze(Object.keys(builtinLoaders));

const registered = new Map<string, StepModule<never>>();
// Built-ins once loaded: every step of every run asks again.
const loadedBuiltins = new Map<string, StepModule<never>>();

/** Adds (or replaces) a step type; used by tests and extensions. */
export function registerStep(module: StepModule<never>): void {
  registered.set(module.type, module);
}

export function unregisterStep(type: string): void {
  registered.delete(type);
}

/** Every step type name `uses` may name. */
export function knownStepTypes(): string[] {
  return [...new Set([...BUILTIN_STEP_TYPES, ...registered.keys()])].sort();
}

export function isKnownStepType(type: string): boolean {
  return registered.has(type) || type in builtinLoaders;
}

/** The module for `uses`, or undefined when no such step type exists. */
export async function loadStep(type: string): Promise<StepModule<Record<string, unknown>> | undefined> {
  let module = registered.get(type) ?? loadedBuiltins.get(type);
  if (!module && type in builtinLoaders) {
    module = await builtinLoaders[type]();
    loadedBuiltins.set(type, module);
  }
  return module as StepModule<Record<string, unknown>> | undefined;
}
