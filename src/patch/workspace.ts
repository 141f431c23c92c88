// Checkpoint, apply, rollback and recover: the parts of pipe that write to the user's tree.
export type { JournalDoc, JournalEntry, JournalHandle, JournalState } from './workspace/journal.js';
export { readJournal, writeJournal, writeFileDurable } from './workspace/journal.js';
export { dirtyFiles, writeCheckpoint } from './workspace/checkpoint.js';
export type { CheckpointInput } from './workspace/checkpoint.js';
export { applyToTree } from './workspace/apply.js';
export { closeJournal, restoreFromJournal, rollbackJournal } from './workspace/restore.js';
export { recoverRuns } from './workspace/recover.js';
export type { RecoveredRun } from './workspace/recover.js';
export { treeWorkspace } from './workspace/tree.js';
export type { CheckpointRequest, Workspace } from './workspace/tree.js';
