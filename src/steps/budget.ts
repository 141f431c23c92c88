// The `budget` step: builds the scoped context, then reserves its projected cost
// (src/budget/reserve.ts) — or blocks (status `blocked`, nothing sent) naming the limit.
import { buildContext } from '../context/build.js';
import { PipeError } from '../errors.js';
import { formatUsd } from '../budget/money.js';
import { headroomNote, reserveForCall } from '../budget/reserve.js';
import type { StepModule } from '../runner/types.js';
import type { BudgetWith } from '../types/generated/index.js';
import { readSchema } from '../dsl/schemas.js';

export const step: StepModule<BudgetWith> = {
  type: 'budget',
  withSchema: readSchema('steps/budget.with'),
  async run(ctx, args) {
    const route = ctx.work.route;
    if (!route) {
      throw new PipeError('E_CONFIG', `budget needs a route step before it (step '${ctx.step.id}' found no route decision)`, {
        hint: 'add `- id: route\n    uses: route` before this step in the pipeline',
      });
    }
    const context = await buildContext(ctx, route);
    const reserved = await reserveForCall(ctx, route, context, { maxCallUsd: args.max_call_usd });
    if (!reserved.ok) return reserved.result;
    ctx.work.context = context;
    ctx.work.reservation = reserved.reservation;
    const out = reserved.output;
    const verb = ctx.run.dryRun ? 'would reserve' : 'reserved';
    return {
      status: 'succeeded',
      message: `${verb} ${formatUsd(out.projected_usd)} for ${route.role} (${route.model}, tier ${route.tier}): ${out.input_tokens} input + ${out.est_output_tokens} output tokens${headroomNote(ctx, route, out.headroom)}`,
      output: out,
    };
  },
};
