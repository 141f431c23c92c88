// Walks a folder for its files: sorted, depth first, named folders skipped, entries that
// cannot be read passed over. `pipe validate`'s default folders and `pipe batch`'s globs use it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface WalkOptions {
  /** Folder names never entered (.git, node_modules …). */
  skipNames: ReadonlySet<string>;
  /** Absolute folders never entered. */
  skipPaths?: ReadonlySet<string>;
}

/** Every file under `root`, as absolute paths, sorted folder by folder. */
export function filesUnder(root: string, options: WalkOptions): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (options.skipNames.has(name)) continue;
      const full = join(dir, name);
      if (options.skipPaths?.has(full)) continue;
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push(full);
    }
  };
  walk(root);
  return out;
}
