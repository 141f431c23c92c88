// The normalised diff fed to `git apply`: regenerated from the parsed structure with
// canonical git headers (a/ b/ prefixes, quoting, explicit modes), so whatever dialect
// the model wrote, git sees exactly what the gate checked.
import type { PatchFile } from './types.js';
import { quoteC, quotedWithPrefix } from './quote.js';

function renderFile(f: PatchFile): string[] {
  const a = f.oldPath ?? f.newPath ?? '';
  const b = f.newPath ?? f.oldPath ?? '';
  const out = [`diff --git ${quotedWithPrefix('a/', a)} ${quotedWithPrefix('b/', b)}`];
  if (f.operation === 'create') out.push(`new file mode ${f.newMode ?? '100644'}`);
  else if (f.operation === 'delete') out.push(`deleted file mode ${f.oldMode ?? '100644'}`);
  else if (f.oldMode !== null && f.newMode !== null && f.oldMode !== f.newMode) out.push(`old mode ${f.oldMode}`, `new mode ${f.newMode}`);
  for (const h of f.extraHeaders) if (h.startsWith('similarity index') || h.startsWith('dissimilarity index')) out.push(h);
  if (f.operation === 'rename') out.push(`rename from ${quoteC(a)}`, `rename to ${quoteC(b)}`);
  if (f.operation === 'copy') out.push(`copy from ${quoteC(a)}`, `copy to ${quoteC(b)}`);
  for (const h of f.extraHeaders) if (h.startsWith('index ')) out.push(h);
  if (f.binary) {
    if (f.binaryPayload.length) out.push('GIT binary patch', ...f.binaryPayload, '');
    else out.push(`Binary files ${quotedWithPrefix('a/', a)} and ${quotedWithPrefix('b/', b)} differ`);
    return out;
  }
  if (f.hunks.length) {
    out.push(`--- ${f.operation === 'create' ? '/dev/null' : quotedWithPrefix('a/', a)}`);
    out.push(`+++ ${f.operation === 'delete' ? '/dev/null' : quotedWithPrefix('b/', b)}`);
    for (const h of f.hunks) {
      out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
      out.push(...h.lines);
    }
  }
  return out;
}

/** A git-style diff of the files, ending in a newline. */
export function renderDiff(files: PatchFile[]): string {
  if (files.length === 0) return '';
  return files.flatMap(renderFile).join('\n') + '\n';
}
