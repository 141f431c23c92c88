// The docs and generated code stay in step with schemas/: CI fails when they drift.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/repo.js';

test('generated TypeScript types match schemas/ (npm run gen:types)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-types.mjs'), '--check'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('precompiled validators match schemas/ (npm run gen:validators)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-validators.mjs'), '--check'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr + r.stdout);
});

/** Every property name a schema defines, with where it is defined. */
function propertyNames(schema: unknown, at = '', out = new Map<string, string>()): Map<string, string> {
  if (!schema || typeof schema !== 'object') return out;
  const node = schema as Record<string, unknown>;
  if (node.properties && typeof node.properties === 'object') {
    for (const [name, sub] of Object.entries(node.properties as Record<string, unknown>)) {
      if (!out.has(name)) out.set(name, `${at}/${name}`);
      propertyNames(sub, `${at}/${name}`, out);
    }
  }
  for (const key of ['$defs', 'items', 'additionalProperties', 'anyOf', 'oneOf']) {
    const sub = node[key];
    if (Array.isArray(sub)) sub.forEach((s, i) => propertyNames(s, `${at}/${key}/${i}`, out));
    else if (sub && typeof sub === 'object') {
      if (key === '$defs') for (const [n, s] of Object.entries(sub as Record<string, unknown>)) propertyNames(s, `${at}/$defs/${n}`, out);
      else propertyNames(sub, `${at}/${key}`, out);
    }
  }
  return out;
}

test('docs/dsl-reference.md documents every key the schemas define', () => {
  const doc = readFileSync(join(ROOT, 'docs/dsl-reference.md'), 'utf8');
  const missing: string[] = [];
  const files = ['task', 'pipeline', 'policy', 'config', 'proposal'].map((k) => `${k}.schema.json`);
  const stepFiles = readdirSync(join(ROOT, 'schemas/steps')).map((f) => `steps/${f}`);
  for (const file of [...files, ...stepFiles]) {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', file), 'utf8'));
    for (const [name, where] of propertyNames(schema)) {
      if (!new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(doc)) missing.push(`${name} (${file}#${where})`);
    }
  }
  assert.equal(missing, [], `undocumented keys: ${missing.join(', ')}`);
});

test('every schema property has a description (it feeds editors and docs)', () => {
  const missing: string[] = [];
  const walk = (node: unknown, at: string, file: string) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.properties) {
      for (const [name, sub] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
        if (!sub.description && !sub.$ref) missing.push(`${file}${at}/${name}`);
        walk(sub, `${at}/${name}`, file);
      }
    }
    for (const key of ['$defs', 'items', 'additionalProperties', 'anyOf', 'oneOf']) {
      const sub = n[key];
      if (Array.isArray(sub)) sub.forEach((s, i) => walk(s, `${at}/${key}/${i}`, file));
      else if (sub && typeof sub === 'object') {
        if (key === '$defs') for (const [k, s] of Object.entries(sub as Record<string, unknown>)) walk(s, `${at}/$defs/${k}`, file);
        else walk(sub, `${at}/${key}`, file);
      }
    }
  };
  for (const file of [...['task', 'pipeline', 'policy', 'config', 'proposal'].map((k) => `${k}.schema.json`), ...readdirSync(join(ROOT, 'schemas/steps')).map((f) => `steps/${f}`)]) {
    walk(JSON.parse(readFileSync(join(ROOT, 'schemas', file), 'utf8')), '', file);
  }
  assert.equal(missing, []);
});

test.run();
