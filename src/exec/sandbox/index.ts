// The validator sandbox: rules (rules.ts), the bwrap argv (bwrap-args.ts), whether bwrap
// works here (detect.ts, choose.ts), and denials read back from output (denials.ts).
export * from './types.js';
export { bwrapArgs } from './bwrap-args.js';
export { chooseSandbox, unsandboxedWarning } from './choose.js';
export { detectBwrap } from './detect.js';
export { describeRules, expandPath, repoSecretFiles, sandboxRulesFor } from './rules.js';
export { denialAdvice, recogniseDenials, type Denial } from './denials.js';
