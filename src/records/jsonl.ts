// Reading a JSON-lines record file (events.jsonl, calls.jsonl, validators.jsonl): a missing
// file is empty, and a line that does not parse (a torn last line after a crash) is skipped.
import { readFileSync } from 'node:fs';

export function readJsonLines<T>(file: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      /* a torn last line after a crash */
    }
  }
  return out;
}
