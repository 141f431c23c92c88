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

const SCHEMA_FILES = [...['task', 'pipeline', 'policy', 'config', 'proposal'].map((k) => `${k}.schema.json`), ...readdirSync(join(ROOT, 'schemas/steps')).map((f) => `steps/${f}`)];

/** Calls visit(name, property schema, where) for every property any schema defines. */
function eachProperty(node: unknown, visit: (name: string, sub: Record<string, unknown>, where: string) => void, at = ''): void {
  if (!node || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n.properties && typeof n.properties === 'object') {
    for (const [name, sub] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
      visit(name, sub, `${at}/${name}`);
      eachProperty(sub, visit, `${at}/${name}`);
    }
  }
  for (const key of ['$defs', 'items', 'additionalProperties', 'anyOf', 'oneOf']) {
    const sub = n[key];
    if (Array.isArray(sub)) sub.forEach((s, i) => eachProperty(s, visit, `${at}/${key}/${i}`));
    else if (sub && typeof sub === 'object') {
      if (key === '$defs') for (const [k, s] of Object.entries(sub as Record<string, unknown>)) eachProperty(s, visit, `${at}/$defs/${k}`);
      else eachProperty(sub, visit, `${at}/${key}`);
    }
  }
}

const schemaOf = (file: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', file), 'utf8'));

test('docs/dsl-reference.md documents every key the schemas define', () => {
  const doc = readFileSync(join(ROOT, 'docs/dsl-reference.md'), 'utf8');
  const missing = new Set<string>();
  for (const file of SCHEMA_FILES) {
    eachProperty(schemaOf(file), (name, _sub, where) => {
      if (!new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(doc)) missing.add(`${name} (${file}#${where})`);
    });
  }
  assert.equal([...missing], [], `undocumented keys: ${[...missing].join(', ')}`);
});

test('every schema property has a description (it feeds editors and docs)', () => {
  const missing: string[] = [];
  for (const file of SCHEMA_FILES) {
    eachProperty(schemaOf(file), (_name, sub, where) => {
      if (!sub.description && !sub.$ref) missing.push(`${file}${where}`);
    });
  }
  assert.equal(missing, []);
});

test.run();
