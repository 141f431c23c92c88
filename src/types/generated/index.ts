/* Generated from schemas/ by scripts/gen-types.mjs — do not edit by hand; run `npm run gen:types`. */
export type { Config, FakeScript, FakeResponse } from './config.js';
export type { OnFail, Pipeline, Input, Step } from './pipeline.js';
export type { Effort, Tier, AnswerFormat, RoleName, Policy, Role, TierPreference, RoleAnswers, RoutingRule, Pricing, Price, Budget, Limits, TierPolicy, Safety, Validator, Validation, Convergence, Escalation, Answers, Batch } from './policy.js';
export type { Edit, Path, Proposal, Replace, Create, Overwrite, Delete } from './proposal.js';
export type { ApplyWith } from './steps-apply.with.js';
export type { BudgetWith } from './steps-budget.with.js';
export type { EscalateWith } from './steps-escalate.with.js';
export type { GateWith } from './steps-gate.with.js';
export type { ProposeWith } from './steps-propose.with.js';
export type { RollbackWith } from './steps-rollback.with.js';
export type { RouteWith } from './steps-route.with.js';
export type { ValidateWith } from './steps-validate.with.js';
export type { Task } from './task.js';
