// Reading a project for `pipe init`: pure functions over a file list (files.ts).
export { detectProject } from './detect.js';
export { exampleGlobs, globsFor, taskGlobs, unmatchedGlobs, type ExampleGlobs, type TaskGlobs } from './globs.js';
export { pythonPathFor, validatorsFor, type ValidatorPlan } from './validators.js';
export { memoryFiles, repoFiles, type ProjectFiles } from './files.js';
export type { Checker, DetectedProject, Language, ProjectProfile, TestRunner } from './types.js';
