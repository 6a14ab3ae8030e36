// Web RSS under fuzzed Slack requests: is the growth the issue saw (190 -> 328 MiB over 40,000 requests)
// a leak? `crashloop serve --role web` runs with the inspector on; after every batch of requests the
// bench forces full garbage collections (HeapProfiler.collectGarbage) and reads process.memoryUsage()
// inside the process, next to VmRSS from /proc. A leak shows as heapUsed (live JS objects after GC)
// growing with the request count; a plateau in heapUsed with RSS growth is heap sizing and allocator
// retention, not a leak.
//   node bench/web-rss-growth.ts [--batches 8] [--batch 5000]
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import WebSocket from 'ws';
import { startBenchEnv, SIGNING_SECRET } from './lib/env.ts';
import { serve } from './lib/proc.ts';
import { load } from './lib/stats.ts';
import { headersFor, signing, slackRequests } from '../test/support/slack-fuzz.ts';

const { values } = parseArgs({ options: { batches: { type: 'string', default: '8' }, batch: { type: 'string', default: '5000' } } });
const batches = Number(values.batches);
const batchSize = Number(values.batch);

interface Inspector {
  call(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

async function inspector(url: string): Promise<Inspector> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: Record<string, unknown> };
    if (message.id !== undefined) pending.get(message.id)?.(message.result ?? {});
  });
  return {
    call: (method, params = {}) =>
      new Promise((resolve) => {
        id += 1;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

const env = await startBenchEnv({ cluster: false, log: (line) => process.stderr.write(`${line}\n`) });
try {
  const bot = await serve(['--role', 'web'], env.serveEnv({ PORT: '0', NODE_OPTIONS: '--inspect=127.0.0.1:0' }));
  try {
    const wsUrl = /Debugger listening on (ws:\/\/\S+)/.exec(bot.output())?.[1];
    const port = /listening on port (\d+)/.exec(bot.output())?.[1];
    if (wsUrl === undefined || port === undefined) throw new Error(`no inspector or port in:\n${bot.output()}`);
    const dbg = await inspector(wsUrl);
    const measure = async (requests: number): Promise<void> => {
      const beforeGc = bot.rss() ?? Number.NaN;
      for (let i = 0; i < 3; i += 1) await dbg.call('HeapProfiler.collectGarbage');
      const evaluated = await dbg.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
      const usage = JSON.parse(String((evaluated.result as { value?: unknown }).value)) as Record<string, number>;
      const mib = (n: number | undefined): string => ((n ?? 0) / 1048576).toFixed(1);
      console.log(
        [String(requests).padStart(7), beforeGc.toFixed(1).padStart(9), (bot.rss() ?? Number.NaN).toFixed(1).padStart(9), mib(usage.heapUsed).padStart(9), mib(usage.heapTotal).padStart(9), mib(usage.external).padStart(9), mib(usage.arrayBuffers).padStart(9)].join(' '),
      );
    };
    console.log(`web RSS under fuzzed Slack requests; load ${load().toFixed(2)}; MiB`);
    console.log('requests  rss(pre) rss(gc)  heapUsed heapTotal  external  arrayBuf');
    await measure(0);
    const base = `http://127.0.0.1:${port}/slack/events`;
    const arbitrary = fc.tuple(slackRequests(env.slack.responseUrl('rss')), signing);
    let sent = 0;
    for (let b = 0; b < batches; b += 1) {
      for (const [{ type, body }, mode] of fc.sample(arbitrary, { numRuns: batchSize, seed: 4242 + b })) {
        const res = await fetch(base, { method: 'POST', headers: headersFor(SIGNING_SECRET, mode, type, body), body });
        await res.arrayBuffer();
        sent += 1;
      }
      await measure(sent);
    }
    dbg.close();
  } finally {
    await bot.stop();
  }
} finally {
  await env.close();
}
