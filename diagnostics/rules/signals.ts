// Fatal signals in the exit code: 139 (SIGSEGV) is a segfault; 134 (SIGABRT) is the app aborting
// (assert, C++ terminate, Node.js fatal error). Both yield to a more specific log line.
import type { Finding, Rule } from '../types.ts';
import { type Context } from '../context.ts';
import { lastTermination, statusEvidence } from '../evidence.ts';
import { failing, makeFinding } from '../finding.ts';

function evaluate(ctx: Context): Finding[] {
  const out: Finding[] = [];
  for (const c of failing(ctx)) {
    const t = lastTermination(c);
    if (!t) continue;
    if (t.exitCode === 139 || t.signal === 11) {
      out.push(makeFinding(ctx, c, 'segfault', 0.82, `"${c.name}" crashed with a segmentation fault (exit 139, SIGSEGV)`, statusEvidence(c)));
    } else if (t.exitCode === 134 || t.signal === 6) {
      out.push(makeFinding(ctx, c, 'app-error', 0.4, `"${c.name}" aborted (exit 134, SIGABRT)`, statusEvidence(c)));
    }
  }
  return out;
}

export const signalsRule: Rule = { id: 'fatal-signal', evaluate: (ctx) => evaluate(ctx) };
