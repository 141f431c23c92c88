// Is the process that wrote a record still running? One answer for the run lock, budget
// reconcile and recover: signal 0 probes without touching the process; EPERM means it
// exists but belongs to someone else. A pid that is not a positive integer never is
// (process.kill(0) and negative pids would probe a whole process group).

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
