import { describe, expect, it } from 'vitest';
import type { SlashCommand } from '@slack/bolt';
import { createCrashloopCommandHandler } from '../../handlers/crashloop-command.ts';
import type { DiagnosisJobData } from '../../src/queue/types.ts';

function slash(text: string): SlashCommand {
  return {
    token: 't', command: '/crashloop', text, response_url: 'https://hooks.slack.test/r/1', trigger_id: '1', user_id: 'U1', user_name: 'u',
    team_id: 'T1', team_domain: 'd', channel_id: 'C1', channel_name: 'ops', api_app_id: 'A1',
  };
}

function run(text: string, enqueue: (data: DiagnosisJobData) => Promise<string> = async () => 'job-1') {
  const order: string[] = [];
  const acks: unknown[] = [];
  const responses: unknown[] = [];
  const jobs: DiagnosisJobData[] = [];
  const handler = createCrashloopCommandHandler({
    router: {
      clusters: ['prod', 'staging'],
      enqueue: async (data) => {
        order.push('enqueue');
        jobs.push(data);
        return enqueue(data);
      },
    },
    now: () => new Date('2026-11-21T12:00:00Z'),
  });
  const done = handler({
    command: slash(text),
    ack: async (body?: unknown) => {
      order.push('ack');
      acks.push(body);
    },
    respond: async (message: unknown) => {
      responses.push(message);
      return { ok: true };
    },
  } as unknown as Parameters<typeof handler>[0]);
  return done.then(() => ({ order, acks, responses, jobs }));
}

describe('/crashloop listener', () => {
  it('queues, then acks with an ephemeral "diagnosing…" (one answer, saying what happened)', async () => {
    const r = await run('payments/api-1');
    expect(r.order).toEqual(['enqueue', 'ack']);
    expect(r.acks[0]).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Diagnosing payments/api-1 in prod') });
    expect(r.jobs).toEqual([
      {
        v: 1, cluster: 'prod', target: { text: 'payments/api-1' }, origin: 'slash-command', mode: 'diagnose',
        reply: { channel: 'C1', userId: 'U1', responseUrl: 'https://hooks.slack.test/r/1', teamId: 'T1' },
        requestedBy: 'U1', requestedAt: '2026-11-21T12:00:00.000Z',
      },
    ]);
  });

  it('routes to the cluster named by prefix or flag', async () => {
    expect((await run('staging/payments/api')).jobs[0]?.cluster).toBe('staging');
    expect((await run('api -n payments --cluster staging')).jobs[0]).toMatchObject({ cluster: 'staging', target: { text: 'api', namespace: 'payments' } });
  });

  it('queues a list job for /crashloop alone', async () => {
    expect((await run('')).jobs[0]).toMatchObject({ mode: 'list', target: { text: '' } });
  });

  it('answers help and errors in the ack without queueing', async () => {
    const help = await run('help');
    expect(help.jobs).toEqual([]);
    expect(JSON.stringify(help.acks[0])).toContain('/crashloop namespace/pod');
    const bad = await run('a b c');
    expect(bad.jobs).toEqual([]);
    expect(JSON.stringify(bad.acks[0])).toContain('one pod or workload at a time');
  });

  it('tells the user in plain words, in the ack, that nothing was queued when the queue refuses', async () => {
    const r = await run('payments/api', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    });
    expect(r.order).toEqual(['enqueue', 'ack']);
    expect(r.acks).toHaveLength(1);
    expect(JSON.stringify(r.acks[0])).toContain('could not queue the diagnosis');
    expect(JSON.stringify(r.acks[0])).toContain('nothing will run');
    expect(JSON.stringify(r.acks[0])).not.toContain('Diagnosing');
    expect(r.responses).toEqual([]);
  });
});
