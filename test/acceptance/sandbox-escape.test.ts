// The sandbox, escape-tested end to end: a patch whose test module tries to read planted
// secrets (files under a fake $HOME, pipe's own environment through /proc), reach a
// loopback listener, write outside the repository, into $HOME and into .git/hooks, and
// leave a detached process behind. It records what it managed in a file in the repo.
// The same probes run without a sandbox show they are real (they leak); under pipe's
// sandbox every one fails while the legitimate tests pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cleanup, gitIn, hasTool, makeRepo, runCliAsync, tempDir, writeFiles } from '../helpers/repo.js';
import { spawn, spawnSync } from 'node:child_process';
import { OPS, RIGHT, events } from './run-kit.js';

const TOKEN = randomBytes(6).toString('hex');
const SECRETS = {
  OPENAI_API_KEY: `sk-planted-openai-${TOKEN}`,
  ANTHROPIC_API_KEY: `sk-ant-planted-${TOKEN}`,
  AWS_SECRET_ACCESS_KEY: `planted-aws-env-${TOKEN}`,
  GITHUB_TOKEN: `ghp_planted_${TOKEN}`,
};
const SSH_KEY = `-----BEGIN PLANTED KEY ${TOKEN}-----`;
const AWS_FILE = `aws_secret_access_key = planted-aws-file-${TOKEN}`;
// A .env beside the code (untracked, as it usually is) and git's XDG credential store.
const DOTENV = `DB_PASSWORD=planted-dotenv-${TOKEN}`;
const GIT_CREDENTIALS = `https://u:planted-gitcred-${TOKEN}@github.com`;
// A sleep of a length nothing else uses, so a surviving one is found by its command line.
const SLEEP_SECONDS = `${4000 + (parseInt(TOKEN.slice(0, 4), 16) % 1000)}.${TOKEN.slice(4, 6).replace(/\D/g, '7')}`;

function probeModule(home: string, outside: string, port: number): string {
  return `import json, os, socket, subprocess

RESULTS = {}


def planted(text):
    # Every planted secret says "planted"; the values themselves stay out of the patch (and the records).
    return "planted" in text.lower()


def probe(name, fn):
    try:
        got = fn()
        RESULTS[name] = "LEAKED: " + str(got)[:80]
    except Exception as e:
        RESULTS[name] = "blocked: " + type(e).__name__


def read_secret(path):
    text = open(path, errors="replace").read()
    if not planted(text):
        raise LookupError("no planted secret in " + path)
    return "read " + path


def environ_secrets(path):
    data = open(path, "rb").read().decode(errors="replace")
    found = [v.split("=")[0] for v in data.split("\\0") if planted(v)]
    if not found:
        raise LookupError("no planted secret in " + path)
    return found


def any_environ():
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                return environ_secrets("/proc/%s/environ" % pid)
            except Exception:
                pass
    raise LookupError("no process environment holds a planted secret")


def own_env():
    found = [k for k, v in os.environ.items() if planted(v)]
    if not found:
        raise LookupError("scrubbed")
    return found


def write(path):
    with open(path, "w") as f:
        f.write("escaped")
    return "wrote " + path


def connect():
    s = socket.create_connection(("127.0.0.1", ${port}), timeout=5)
    s.sendall(b"escaped")
    s.close()
    return "connected"


def detach():
    subprocess.Popen(["setsid", "sleep", "${SLEEP_SECONDS}"], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    raise LookupError("started; whether it survives is checked from outside")


def test_escape_probes():
    probe("ssh key", lambda: read_secret(${JSON.stringify(join(home, '.ssh/id_rsa'))}))
    probe("aws credentials", lambda: read_secret(${JSON.stringify(join(home, '.aws/credentials'))}))
    probe(".env in the repo", lambda: read_secret(".env"))
    probe("git credential store", lambda: read_secret(${JSON.stringify(join(home, '.config/git/credentials'))}))
    probe("own environment", own_env)
    probe("parent environ", lambda: environ_secrets("/proc/%d/environ" % os.getppid()))
    probe("pid 1 environ", lambda: environ_secrets("/proc/1/environ"))
    probe("any environ", any_environ)
    probe("loopback listener", connect)
    probe("write outside the repo", lambda: write(${JSON.stringify(join(outside, 'escaped.txt'))}))
    probe("write in home", lambda: write(${JSON.stringify(join(home, 'escaped.txt'))}))
    probe("write a git hook", lambda: write(".git/hooks/post-checkout"))
    probe("write a hook in core.hooksPath", lambda: write(".githooks/pre-push"))
    probe("detached process", detach)
    with open("probe-results.json", "w") as f:
        json.dump(RESULTS, f, indent=1)
`;
}

function newFile(path: string, text: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return [`--- /dev/null`, `+++ b/${path}`, `@@ -0,0 +1,${lines.length} @@`, ...lines.map((l) => `+${l}`), ''].join('\n');
}

interface World {
  repo: string;
  home: string;
  outside: string;
  server: Server;
  connections: number;
  port: number;
}

/** A repo whose fake answer fixes add() and adds the probe module; a fake $HOME and a target dir outside /tmp. */
async function world(): Promise<World> {
  // Outside /tmp, so what hides them in the sandbox is the mask and the read-only root, not the private /tmp.
  const home = mkdtempSync(join('/var/tmp', 'pipe-home-'));
  const outside = mkdtempSync(join('/var/tmp', 'pipe-outside-'));
  writeFiles(home, { '.ssh/id_rsa': `${SSH_KEY}\n`, '.aws/credentials': `[default]\n${AWS_FILE}\n`, '.config/git/credentials': `${GIT_CREDENTIALS}\n` });
  const w: World = { repo: '', home, outside, server: createServer(), connections: 0, port: 0 };
  w.server.on('connection', (socket) => {
    w.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((res) => w.server.listen(0, '127.0.0.1', res));
  w.port = (w.server.address() as { port: number }).port;
  w.repo = makeRepo({
    'calc/__init__.py': '',
    'calc/ops.py': OPS,
    'tests/__init__.py': '',
    'tests/test_ops.py': 'from calc.ops import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n',
  });
  // Hooks kept in the work tree (core.hooksPath, as husky and many teams set it): git runs them on the next push.
  gitIn(w.repo, 'config', 'core.hooksPath', '.githooks');
  writeFiles(w.repo, {
    '.githooks/.keep': '',
    '.env': `${DOTENV}\n`,
    'tasks/fx/answer.patch': RIGHT + newFile('tests/test_escape.py', probeModule(home, outside, w.port)),
    'tasks/t.yaml': [
      'apiVersion: pipe/v1', 'kind: Task', 'id: escape', 'goal: add() must return the sum', 'intent: bugfix',
      'allowed_files: ["calc/**/*.py", "tests/**/*.py"]', 'validators: [pytest]', 'max_attempts: 1',
      'fake:', '  responses:', '    - patch_file: fx/answer.patch', '',
    ].join('\n'),
  });
  return w;
}

async function close(w: World): Promise<void> {
  await new Promise<void>((res) => w.server.close(() => res()));
  cleanup(w.repo, w.home, w.outside);
}

/** Host processes running the probe's sleep (a survivor would be reparented here). */
function survivingSleepers(): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.includes('sleep') && cmd.includes(SLEEP_SECONDS)) pids.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** The run's validator failures, for assertion messages. */
function failuresOf(stdout: string): string {
  try {
    const dir = (JSON.parse(stdout) as { records_dir: string }).records_dir;
    return readFileSync(join(dir, 'convergence.json'), 'utf8');
  } catch {
    return stdout;
  }
}

/** Every file's text under dir (records, validator logs, the baseline cache). */
function allText(dir: string): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? allText(join(dir, e.name)) : e.isFile() ? readFileSync(join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

function runEnv(home: string): Record<string, string> {
  return { ...SECRETS, HOME: home };
}

const withBwrap = hasTool('bwrap') ? test : (name: string, fn: () => Promise<void>) => test.skip(`${name} — bwrap is not installed (apt-get install -y bubblewrap)`, fn);

test('without a sandbox the same probes leak: they are real (pytest run directly, as an unsandboxed validator would)', async () => {
  const w = await world();
  try {
    gitIn(w.repo, 'apply', 'tasks/fx/answer.patch');
    // sh stays the parent (no exec), holding the planted keys in its environment as pipe would.
    // Asynchronously, so this process keeps accepting on the listener meanwhile.
    const child = spawn('sh', ['-c', 'python3 -m pytest -q -p no:cacheprovider tests/test_escape.py; exit $?'], {
      cwd: w.repo,
      env: { ...process.env, ...runEnv(w.home), PYTHONDONTWRITEBYTECODE: '1' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const status = await new Promise<number | null>((res) => child.on('close', res));
    assert.is(status, 0, output);
    const results = JSON.parse(readFileSync(join(w.repo, 'probe-results.json'), 'utf8')) as Record<string, string>;
    for (const name of ['ssh key', 'aws credentials', '.env in the repo', 'git credential store', 'own environment', 'parent environ', 'any environ', 'loopback listener', 'write outside the repo', 'write in home', 'write a git hook', 'write a hook in core.hooksPath']) {
      assert.match(results[name], /^LEAKED/, `${name}: ${results[name]}`);
    }
    assert.ok(w.connections > 0);
    assert.ok(survivingSleepers().length > 0, 'a setsid child outlives an unsandboxed run');
  } finally {
    for (const pid of survivingSleepers()) process.kill(pid, 'SIGKILL');
    await close(w);
  }
});

withBwrap('in the sandbox every probe fails, the legitimate tests pass, and the record names the sandbox', async () => {
  const w = await world();
  try {
    const r = await runCliAsync(['run', 'tasks/t.yaml', '--json'], w.repo, runEnv(w.home));
    assert.is(r.code, 0, failuresOf(r.stdout) + r.stderr);
    const out = JSON.parse(r.stdout) as { status: string; records_dir: string };
    assert.is(out.status, 'succeeded');
    const results = JSON.parse(readFileSync(join(w.repo, 'probe-results.json'), 'utf8')) as Record<string, string>;
    assert.is(Object.keys(results).length, 14);
    for (const [name, result] of Object.entries(results)) assert.match(result, /^blocked: /, `${name}: ${result}`);
    assert.is(w.connections, 0, 'the loopback listener saw a connection');
    assert.not.ok(existsSync(join(w.outside, 'escaped.txt')));
    assert.not.ok(existsSync(join(w.home, 'escaped.txt')));
    assert.not.ok(existsSync(join(w.repo, '.git/hooks/post-checkout')));
    assert.not.ok(existsSync(join(w.repo, '.githooks/pre-push')));
    assert.equal(survivingSleepers(), []);
    const pytest = events(out.records_dir).find((e) => e.type === 'validator.result' && e.validator === 'pytest')!;
    assert.is(pytest.status, 'passed');
    assert.is(pytest.sandbox, 'bwrap');
    assert.ok((pytest.sandbox_rules as string[]).some((l) => l.startsWith('network: none')), JSON.stringify(pytest.sandbox_rules));
    assert.ok((pytest.sandbox_rules as string[]).includes('hidden: ~/.config, ~/.ssh, ~/.aws, .env'), JSON.stringify(pytest.sandbox_rules));
    // No planted secret anywhere in the run's records or output.
    const recordText = allText(join(w.repo, '.pipe')) + r.stdout + r.stderr;
    for (const secret of [...Object.values(SECRETS), SSH_KEY, AWS_FILE, DOTENV, GIT_CREDENTIALS]) assert.not.ok(recordText.includes(secret), `${secret} leaked into the records`);
  } finally {
    for (const pid of survivingSleepers()) process.kill(pid, 'SIGKILL');
    await close(w);
  }
});

/** A test module that, unsandboxed, prints pipe's environment (some of it cut short, as pytest's summary cuts lines), the .env, and leaves a daemon. */
const PRINTING_PROBE = `import os, subprocess


def test_prints_what_it_can_read():
    subprocess.Popen(["setsid", "sleep", "${SLEEP_SECONDS}"], start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    environ = open("/proc/%d/environ" % os.getppid(), "rb").read().decode(errors="replace").split("\\0")
    planted = [v for v in environ if "planted" in v]
    cut = [v[: v.index("=") + 14] + "..." for v in planted]
    own = [k for k, v in os.environ.items() if "planted" in v]
    dotenv = open(".env").read().strip()
    print("\\n".join(cut))
    assert not planted, "own env: %s; parent env: %s; .env: %s" % (own, planted, dotenv)
`;

test('without bwrap (auto), validators run unsandboxed: the user is told, the environment is scrubbed, output is redacted (cut values and .env too), no daemon survives', async () => {
  const w = await world();
  const bin = tempDir('pipe-bin-');
  try {
    // PATH without bwrap: what the validator and its test need, nothing else.
    const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(python, join(bin, 'python3'));
    for (const tool of ['git', 'setsid', 'sleep', 'sh']) {
      const found = process.env.PATH!.split(':').map((d) => join(d, tool)).find((p) => existsSync(p));
      symlinkSync(found!, join(bin, tool));
    }
    writeFiles(w.repo, { 'tasks/fx/answer.patch': RIGHT + newFile('tests/test_prints.py', PRINTING_PROBE) });
    const r = await runCliAsync(['run', 'tasks/t.yaml'], w.repo, { ...runEnv(w.home), PATH: bin });
    assert.is(r.code, 4, r.stdout + r.stderr); // the probe fails, so the run escalates
    assert.match(r.stderr, /validators will run without a sandbox: bubblewrap \(bwrap\) is not installed or not on PATH\. Their environment is scrubbed of credentials and their output redacted, but the code they run .* can read your files/);
    assert.match(r.stdout, /sandbox +none: validators ran unsandboxed \(bubblewrap \(bwrap\) is not installed or not on PATH\)/);
    const runs = join(w.repo, '.pipe/runs');
    const dir = join(runs, readdirSync(runs)[0]);
    const pytest = events(dir).filter((e) => e.type === 'validator.result' && e.validator === 'pytest').pop()!;
    assert.is(pytest.sandbox, 'none');
    const log = readFileSync(join(dir, 'validators/attempt-1/pytest.log'), 'utf8');
    assert.match(log, /own env: \[\]/, 'the validator\'s own environment holds no planted secret');
    assert.match(log, /OPENAI_API_KEY=\[REDACTED\]/, 'the probe did read pipe\'s environment: ' + log.slice(-1500));
    assert.match(log, /DB_PASSWORD=\[REDACTED\]/, 'the probe did read the .env');
    const recordText = allText(join(w.repo, '.pipe')) + r.stdout + r.stderr;
    for (const secret of [...Object.values(SECRETS), DOTENV.split('=')[1]]) {
      assert.not.ok(recordText.includes(secret.slice(0, 12)), `${secret} (or its first 12 characters) leaked into the records or the terminal`);
    }
    assert.equal(survivingSleepers(), [], 'a setsid daemon outlived the unsandboxed validator');
  } finally {
    for (const pid of survivingSleepers()) process.kill(pid, 'SIGKILL');
    await close(w);
    cleanup(bin);
  }
});

test('safety.sandbox: required with no bwrap on PATH exits 2 before any model call, naming what is missing', async () => {
  const repo = makeRepo({ 'calc/__init__.py': '', 'calc/ops.py': OPS });
  const bin = tempDir('pipe-bin-');
  try {
    // PATH holds git and python3 (the validator's executable), but no bwrap.
    mkdirSync(join(bin, 'bin'));
    for (const tool of ['git', 'python3']) {
      const found = process.env.PATH!.split(':').map((d) => join(d, tool)).find((p) => existsSync(p));
      symlinkSync(found!, join(bin, 'bin', tool));
    }
    writeFiles(repo, {
      'tasks/fx/answer.patch': RIGHT,
      'tasks/t.yaml': ['apiVersion: pipe/v1', 'kind: Task', 'id: req', 'goal: fix add', 'intent: bugfix', 'allowed_files: ["calc/*.py"]', 'validators: [pytest]',
        'fake:', '  responses:', '    - patch_file: fx/answer.patch', ''].join('\n'),
      'required.yaml': 'apiVersion: pipe/v1\nkind: Policy\nsafety:\n  sandbox: required\n',
    });
    const r = await runCliAsync(['run', 'tasks/t.yaml', '--policy', 'required.yaml'], repo, { PATH: join(bin, 'bin') });
    assert.is(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /safety\.sandbox is 'required' but no sandbox is available: bubblewrap \(bwrap\) is not installed or not on PATH/);
    assert.match(r.stderr, /apt-get install bubblewrap/);
    assert.not.ok(existsSync(join(repo, '.pipe/runs')), 'nothing ran');
    assert.is(readFileSync(join(repo, 'calc/ops.py'), 'utf8'), OPS);
  } finally {
    cleanup(repo, bin);
  }
});

test.run();
