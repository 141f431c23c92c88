// .pipe/baseline/<digest>.json: a baseline that can be reused while the tree and the
// validator definitions are the same. Only usable baselines are stored: an environment
// problem may be fixed without any change to the tree.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../records/writer.js';
import { redactValue } from '../../records/redact.js';
import { BASELINE_FORMAT } from './digest.js';
import type { BaselineReport } from './types.js';

export function baselineDir(repo: string): string {
  return join(repo, '.pipe', 'baseline');
}

export function cacheFile(repo: string, digest: string): string {
  return join(baselineDir(repo), `${digest}.json`);
}

export function readCachedBaseline(repo: string, digest: string): BaselineReport | null {
  const file = cacheFile(repo, digest);
  if (!existsSync(file)) return null;
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format?: number; report?: BaselineReport };
    if (doc.format !== BASELINE_FORMAT || !doc.report || doc.report.digest !== digest || doc.report.status !== 'ready') return null;
    return { ...doc.report, cached: true, cache_file: file };
  } catch {
    return null; // a torn or foreign file is a miss, never an error
  }
}

export function writeCachedBaseline(repo: string, report: BaselineReport): string | null {
  if (!report.digest || report.status !== 'ready') return null;
  const file = cacheFile(repo, report.digest);
  writeFileAtomic(file, `${JSON.stringify({ format: BASELINE_FORMAT, report: redactValue({ ...report, cached: false, cache_file: null }) }, null, 2)}\n`);
  return file;
}
