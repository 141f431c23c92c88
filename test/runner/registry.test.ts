// The step registry and schemas/steps/ describe the same step types: each built-in has its
// `with` schema, a generated validator and type (npm run build derives both from the folder),
// and every step module in src/steps/ is in the registry under its own `type`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_STEP_TYPES, knownStepTypes, loadStep } from '../../src/runner/registry.js';
import { names as generatedValidators } from '../../src/dsl/generated/validators.js';
import { ROOT } from '../helpers/repo.js';

const schemaDir = join(ROOT, 'schemas', 'steps');
const schemaTypes = readdirSync(schemaDir).filter((f) => f.endsWith('.with.schema.json')).map((f) => f.replace(/\.with\.schema\.json$/, '')).sort();

test('the registry lists exactly the step types that have a schema in schemas/steps/', () => {
  assert.equal([...BUILTIN_STEP_TYPES].sort(), schemaTypes);
  assert.equal(knownStepTypes(), schemaTypes);
});

test('each built-in loads as its own type, with the schema file as its withSchema, a generated validator and a generated type', async () => {
  const generatedTypes = readFileSync(join(ROOT, 'src', 'types', 'generated', 'index.ts'), 'utf8');
  for (const type of BUILTIN_STEP_TYPES) {
    const module = await loadStep(type);
    assert.ok(module, `registry entry '${type}' loads nothing`);
    assert.is(module.type, type, `the registry's '${type}' loads a module whose type is '${module.type}'`);
    const schema = JSON.parse(readFileSync(join(schemaDir, `${type}.with.schema.json`), 'utf8'));
    assert.equal(module.withSchema, schema, `${type}: withSchema is not schemas/steps/${type}.with.schema.json`);
    assert.ok(Object.hasOwn(generatedValidators, `steps/${type}.with`), `${type}: no generated validator (npm run build)`);
    assert.match(generatedTypes, new RegExp(`\\b${schema.title}\\b`), `${type}: no generated type ${schema.title} (npm run build)`);
  }
});

test('every step module in src/steps/ is registered under its type', () => {
  const modules = readdirSync(join(ROOT, 'src', 'steps'))
    .filter((f) => f.endsWith('.ts') && /^export const step\b/m.test(readFileSync(join(ROOT, 'src', 'steps', f), 'utf8')))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.equal(modules, [...BUILTIN_STEP_TYPES].sort());
});

test.run();
