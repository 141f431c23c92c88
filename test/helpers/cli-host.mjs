#!/usr/bin/env node
// One child process that runs many `pipe` invocations, one after another, through the same
// oclif entry point bin/run.js uses. The black-box corpus runs ~100 `pipe run`s; starting a
// fresh Node for each spent about half of its CPU loading modules. The commands, their
// arguments, the repositories and the exit codes are the real ones; only the process is reused.
// Requests come over the IPC channel (stdin stays closed, so no command can read them as input):
//   { id, args, cwd }  →  { id, code, stdout, stderr }
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { run, Config, flush } = await import('@oclif/core');
const config = await Config.load({ root, pjson });

const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);

async function invoke(args, cwd) {
  let stdout = '';
  let stderr = '';
  const capture = (sink) => (chunk, encoding, cb) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
    if (typeof encoding === 'function') encoding();
    else if (typeof cb === 'function') cb();
    return true;
  };
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  process.exitCode = undefined;
  const before = process.cwd();
  let code = 0;
  try {
    process.chdir(cwd);
    await run(args, config);
    await flush?.();
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    // oclif's own exits (help, version) and errors the command did not catch.
    const exit = err?.oclif?.exit;
    if (typeof exit === 'number') code = exit;
    else {
      stderr += `${err?.stack ?? err}\n`;
      code = Number(process.exitCode ?? 1) || 1;
    }
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
    process.exitCode = undefined;
    process.chdir(before);
  }
  return { code, stdout, stderr };
}

// One request at a time: process.cwd, stdout and exitCode are process-wide.
let chain = Promise.resolve();
process.on('message', (msg) => {
  chain = chain.then(async () => {
    const r = await invoke(msg.args, msg.cwd);
    process.send({ id: msg.id, ...r });
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
