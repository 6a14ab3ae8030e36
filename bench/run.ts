// `npm run bench [-- --json] [--quick] [--only a,b] [--bin other/bin/crashloop.js]`: every speed and memory figure in one run, on the
// kwok control plane, real Redis and the local Slack Web API server. Interleaved where two things are
// compared; medians and p95 with the machine's load average. Asserts nothing: it measures.
// `--json` prints one object (the keys in docs/benchmarks.md) on stdout; progress goes to stderr.
import { parseArgs } from 'node:util';
import { adversarialBench, engineBench } from './engine.ts';
import { idleRssBench } from './idle-rss.ts';
import { startupBench } from './startup.ts';
import { startBenchEnv, type BenchEnv } from './lib/env.ts';
import { useCrashloopBin } from './lib/proc.ts';
import { load, machine } from './lib/stats.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, only: { type: 'string' }, bin: { type: 'string' } }, strict: true });
if (values.bin !== undefined) useCrashloopBin(values.bin);
const quick = values.quick === true;
const only = values.only?.split(',').map((s) => s.trim());
const want = (section: string): boolean => only === undefined || only.includes(section);
const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

// Sections that need the cluster; the rest run without it.
const CLUSTER_SECTIONS = ['kubectl', 'overhead', 'storm', 'throughput'];
const needsCluster = CLUSTER_SECTIONS.some(want);

const out: Record<string, unknown> = { machine: machine(), quick, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim() };
const details: Record<string, unknown> = {};
let env: BenchEnv | undefined;
try {
  if (want('engine')) {
    log('engine…');
    const engine = engineBench(quick ? 200 : 2000, quick ? 20 : 200);
    details.engine = engine;
    out.engineOpsPerSec = engine.roundRobin.opsPerSec;
    out.engineP99Ms = engine.roundRobin.ms.p99;
  }
  if (want('adversarial')) {
    log('adversarial…');
    const adversarial = await adversarialBench();
    // null until bench/adversarial.ts (the render-safety work) exists.
    out.adversarial = adversarial.figures;
    if (!adversarial.available) details.adversarial = 'NOT MEASURED: bench/adversarial.ts is missing';
  }
  if (want('startup')) {
    log('start-up…');
    const startup = await startupBench(quick ? 3 : 15);
    details.startup = startup;
    out.startupMs = startup.startupMs;
  }
  if (want('idle') || needsCluster || want('ack')) {
    try {
      env = await startBenchEnv({ cluster: needsCluster, log });
    } catch (error) {
      if (!needsCluster) throw error;
      // No control plane (binaries not built yet?): the other sections still run; these say why not.
      const why = `NOT MEASURED: the kwok cluster did not start (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); run npm run cluster:build`;
      log(why);
      for (const section of CLUSTER_SECTIONS) if (want(section)) details[section] = why;
      env = await startBenchEnv({ cluster: false, log });
    }
  }
  if (want('idle') && env) {
    log('idle RSS per role…');
    const idle = await idleRssBench(env, quick ? 1000 : 3000);
    details.idle = idle;
    out.idleRssMb = idle.idleRssMb;
  }
  for (const [section, file] of [['kubectl', './kubectl.ts'], ['overhead', './overhead.ts'], ['ack', './ack.ts'], ['storm', './storm.ts'], ['throughput', './throughput.ts']] as const) {
    if (!want(section) || env === undefined || (CLUSTER_SECTIONS.includes(section) && env.cluster === undefined)) continue;
    log(`${section}…`);
    const mod = (await import(file)) as { bench: (env: BenchEnv, quick: boolean, log: (line: string) => void) => Promise<{ figures: Record<string, unknown>; details: unknown }> };
    const result = await mod.bench(env, quick, log);
    Object.assign(out, result.figures);
    details[section] = result.details;
  }
} finally {
  await env?.close();
}
out.loadAtEnd = load();
out.details = details;

if (values.json === true) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  // A table of the headline figures, then every detail (samples' medians, p95, load per section).
  const { details: all, ...headline } = out;
  for (const [key, value] of Object.entries(headline)) process.stdout.write(`${key.padEnd(28)} ${JSON.stringify(value)}\n`);
  process.stdout.write(`\ndetails:\n${JSON.stringify(all, null, 2)}\n`);
}
