import type { CauseId, Evidence, Finding, Fix, Rule } from './types.ts';
import type { Context, ContainerCtx } from './context.ts';
import { fixFor, type FixDetail } from './fixes.ts';

export function makeFinding(
  ctx: Context,
  c: ContainerCtx,
  cause: CauseId,
  confidence: number,
  title: string,
  evidence: Evidence[],
  fix?: Fix,
  detail?: FixDetail,
): Finding {
  return {
    cause,
    container: c.name,
    containerType: c.type,
    confidence: Math.round(Math.max(0, Math.min(1, confidence)) * 100) / 100,
    title: title.replace(/\s+/g, ' ').trim().slice(0, 300),
    evidence,
    fix: fix ?? fixFor(cause, ctx, c, detail),
  };
}

export function failing(ctx: Context): ContainerCtx[] {
  return ctx.containers.filter((c) => c.failing);
}

/** A rule that looks at each failing container on its own and finds at most one cause in it. */
export function perFailingContainer(id: string, evaluateContainer: (ctx: Context, c: ContainerCtx) => Finding | undefined): Rule {
  return {
    id,
    evaluate(ctx) {
      return failing(ctx).flatMap((c) => evaluateContainer(ctx, c) ?? []);
    },
  };
}
