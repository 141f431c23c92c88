// Reading the configuration files detection looks at: TOML (pyproject.toml, ruff.toml)
// with smol-toml, INI-style files (setup.cfg, tox.ini, pytest.ini, mypy.ini) with a small
// reader that keeps setuptools' indented multi-line values, and JSON with comments
// (tsconfig.json).
import { parse as parseToml } from 'smol-toml';

export type TomlTable = Record<string, unknown>;

export function readToml(text: string | null): { table: TomlTable | null; error: string | null } {
  if (text === null) return { table: null, error: null };
  try {
    return { table: parseToml(text) as TomlTable, error: null };
  } catch (err) {
    return { table: null, error: (err as Error).message.split('\n')[0] };
  }
}

/** A nested value by dotted keys, or undefined. */
export function dig(table: unknown, ...keys: string[]): unknown {
  let cur = table;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Sections of an INI file: section → key → raw value (continuation lines joined by '\n'). */
export function readIni(text: string | null): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  if (text === null) return sections;
  let section: Map<string, string> | null = null;
  let key: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw) || !raw.trim()) continue;
    const head = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (head) {
      section = new Map();
      sections.set(head[1].trim(), section);
      key = null;
      continue;
    }
    if (!section) continue;
    if (/^\s/.test(raw) && key !== null) {
      section.set(key, `${section.get(key) ?? ''}\n${raw.trim()}`.replace(/^\n/, ''));
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (kv) {
      key = kv[1].trim().replace(/-/g, '_');
      section.set(key, kv[2].trim());
    }
  }
  return sections;
}

/** An INI value as a list (newline or comma separated). */
export function iniList(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}

/** JSON that may carry // and /* comments and trailing commas (tsconfig.json). */
export function readJsonc(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else {
      out += c;
    }
  }
  try {
    const value = JSON.parse(out.replace(/,(\s*[}\]])/g, '$1')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
