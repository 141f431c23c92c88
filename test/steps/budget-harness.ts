// A real StepContext for budget-step tests: a temp git repo, the real subprocess wrapper,
// a real ledger opened on first use, the real route step, and an event collector.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { openLedger } from '../../src/budget/ledger.js';
import type { Ledger } from '../../src/budget/types.js';
import { runCommand } from '../../src/exec/run.js';
import { treeWorkspace } from '../../src/patch/workspace.js';
import { runValidators } from '../../src/validation/run.js';
import { NoRecords } from '../../src/records/writer.js';
import { createRunContext } from '../../src/runner/context.js';
import type { StepContext } from '../../src/runner/types.js';
import type { RunEvent } from '../../src/records/types.js';
import { step as routeStep } from '../../src/steps/route.js';
import type { Config, Policy, Task } from '../../src/types/generated/index.js';
import { ROOT } from '../helpers/repo.js';

export function defaultPolicy(): Policy {
  return parse(readFileSync(join(ROOT, 'policies', 'default.yaml'), 'utf8')) as Policy;
}

export function makeTask(overrides: Partial<Task> = {}): Task {
  return {
    apiVersion: 'pipe/v1',
    kind: 'Task',
    id: 'fix-slug',
    goal: 'slugify() must transliterate accented Latin letters; make tests/test_slug.py pass.',
    intent: 'bugfix',
    allowed_files: ['src/*.py', 'tests/*.py'],
    ...overrides,
  };
}

export const REPO_FILES = {
  'src/slug.py': 'import re\n\n\ndef slugify(text):\n    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")\n',
  'tests/test_slug.py': 'from src.slug import slugify\n\n\ndef test_accents():\n    assert slugify("Crème Brûlée") == "creme-brulee"\n',
};

export interface Harness {
  ctx: StepContext;
  events: RunEvent[];
  /** The ledger the step used (opened on first use), or null. */
  ledger(): Ledger | null;
  close(): Promise<void>;
}

export function makeHarness(options: { repo: string; policy?: Policy; task?: Task; dryRun?: boolean; ledger?: string; project?: string; startedAt?: Date; now?: () => Date }): Harness {
  const events: RunEvent[] = [];
  let ledger: Ledger | null = null;
  let opening: Promise<Ledger> | null = null;
  const now = options.now ?? (() => new Date());
  const location = options.ledger ?? '.pipe/ledger.sqlite';
  // The runner's own factory: spend and attempts behave as in a real run.
  const run = createRunContext({
    run: {
      id: 'run-test-1',
      taskFile: join(options.repo, 'tasks', 'fix-slug.yaml'),
      dryRun: options.dryRun ?? false,
      startedAt: options.startedAt ?? now(),
      provider: 'fake',
      approvedRoles: [],
      project: options.project ?? 'default',
      ledger: location,
    },
    task: options.task ?? makeTask(),
    taskDir: join(options.repo, 'tasks'),
    policy: options.policy ?? defaultPolicy(),
    config: { apiVersion: 'pipe/v1', kind: 'Config' } as Config,
    repo: options.repo,
    maxAttempts: 3,
    services: {
      exec: runCommand,
      clock: { now, monotonicMs: () => performance.now() },
      events: { emit: (type, data) => events.push({ ts: now().toISOString(), type, ...(data ?? {}) }) },
      records: new NoRecords(),
      progress: { stepStart() {}, stepEnd() {}, note() {} },
      approve: async () => false,
      ledger: async () => {
        opening ??= openLedger(location, { repo: options.repo }).then((l) => (ledger = l));
        return opening;
      },
      provider: () => {
        throw new Error('the budget step must not call a provider');
      },
      workspace: treeWorkspace(options.repo, runCommand),
      validators: runValidators,
    },
  });
  const ctx = run.stepContext({ id: 'budget', uses: 'budget' });
  return {
    ctx,
    events,
    ledger: () => ledger,
    close: async () => {
      await ledger?.close();
    },
  };
}

/** Runs the real route step so ctx.work.route is what a pipeline would have. */
export async function route(ctx: StepContext): Promise<void> {
  const result = await routeStep.run({ ...ctx, step: { id: 'route', uses: 'route' } }, {});
  if (result.status !== 'succeeded') throw new Error(`route failed: ${result.message}`);
}
