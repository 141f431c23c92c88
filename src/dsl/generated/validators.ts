/* Generated from schemas/ by scripts/gen-validators.mjs — do not edit by hand. */
// @ts-nocheck
// Type-only imports: they put the modules in the TypeScript program (so tsc emits them) and load nothing.
import type * as _m0 from './task.cjs';
import type * as _m1 from './pipeline.cjs';
import type * as _m2 from './policy.cjs';
import type * as _m3 from './config.cjs';
import type * as _m4 from './proposal.cjs';
import type * as _m5 from './steps.apply.with.cjs';
import type * as _m6 from './steps.budget.with.cjs';
import type * as _m7 from './steps.escalate.with.cjs';
import type * as _m8 from './steps.gate.with.cjs';
import type * as _m9 from './steps.propose.with.cjs';
import type * as _m10 from './steps.rollback.with.cjs';
import type * as _m11 from './steps.route.with.cjs';
import type * as _m12 from './steps.validate.with.cjs';
export type Modules = [typeof _m0, typeof _m1, typeof _m2, typeof _m3, typeof _m4, typeof _m5, typeof _m6, typeof _m7, typeof _m8, typeof _m9, typeof _m10, typeof _m11, typeof _m12];
/** Schema name → module under ./ (loaded with require('./<module>.cjs')). */
export const names: Record<string, string> = {"task":"task","pipeline":"pipeline","policy":"policy","config":"config","proposal":"proposal","steps/apply.with":"steps.apply.with","steps/budget.with":"steps.budget.with","steps/escalate.with":"steps.escalate.with","steps/gate.with":"steps.gate.with","steps/propose.with":"steps.propose.with","steps/rollback.with":"steps.rollback.with","steps/route.with":"steps.route.with","steps/validate.with":"steps.validate.with"};
export const hashes: Record<string, string> = {"task":"1c892efe1bcf579b","pipeline":"ef768aa4154b5d89","policy":"3b21eded496a1298","config":"747883274186c798","proposal":"fd62ccdfcd8b361d","steps/apply.with":"0b5c1fd1aa479829","steps/budget.with":"cbda11e5fcff4eda","steps/escalate.with":"059bc3c15756a802","steps/gate.with":"795b9a9cc9403821","steps/propose.with":"04c42219471f3d35","steps/rollback.with":"765beacd8d0cfb2c","steps/route.with":"c0e90a772bfe0a50","steps/validate.with":"475698657114f9c6"};
