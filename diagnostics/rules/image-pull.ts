// image-pull-failure: ErrImagePull, ImagePullBackOff, InvalidImageName and the kubelet's pull events.
// A pull error mentioning "unauthorized" or "x509" is still an image-pull failure: the status says so.
import type { Evidence, Finding, Rule } from '../types.ts';
import { type Context } from '../context.ts';
import { eventEvidence, waitingEvidence } from '../evidence.ts';
import { makeFinding } from '../finding.ts';
import { fixFor } from '../fixes.ts';

const PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'ImageInspectError', 'SignatureValidationFailed']);
const PULL_EVENT = /Failed to pull image|Back-off pulling image|Error: (?:ErrImagePull|ImagePullBackOff|InvalidImageName)|couldn't parse image reference|ErrImageNeverPull/;

function why(text: string): string {
  if (/not found|manifest unknown|does not exist|NotFound|no such manifest/i.test(text)) return 'the image or tag does not exist';
  // ECR's answer when the node sent no credentials at all: the node role or credential provider, not a typo in a secret.
  if (/no basic auth credentials/i.test(text)) return 'the node sent no registry credentials (for ECR: the node IAM role lacks ECR pull permissions or the kubelet credential provider is not set up; elsewhere: imagePullSecrets are missing)';
  if (/unauthorized|authentication required|denied|403 Forbidden|\b401\b/i.test(text)) return 'the registry refused access: imagePullSecrets are missing or wrong';
  if (/toomanyrequests|rate limit/i.test(text)) return 'the registry rate limit was hit';
  if (/x509|certificate/i.test(text)) return "the registry's TLS certificate is not trusted by the node";
  if (/no such host|lookup |i\/o timeout|connection refused|dial tcp/i.test(text)) return 'the node cannot reach the registry';
  if (/InvalidImageName|invalid reference format|couldn't parse image reference/i.test(text)) return 'the image reference is malformed';
  if (/no matching manifest|platform/i.test(text)) return 'the image has no variant for the node architecture';
  if (/: EOF\b|unexpected EOF|connection reset by peer/.test(text)) return 'the connection to the registry was cut (EOF): a proxy or firewall between the node and the registry, or a registry outage';
  if (/context canceled|code = Canceled|context deadline exceeded/i.test(text)) return 'the pull was cancelled before it finished: a large image over a slow link hits the runtime request timeout (pre-pull the image or raise the kubelet --runtime-request-timeout)';
  return 'the image cannot be pulled';
}

/** When the reference is fine and the node or the network is the problem, the first move is not "fix the image reference". */
function advice(text: string, image: string | undefined): string | undefined {
  const registry = image?.includes('/') && /[.:]/.test(image.split('/')[0] ?? '') ? image.split('/')[0] : 'the registry';
  if (/no basic auth credentials/i.test(text)) {
    return /\.ecr\.[a-z0-9-]+\.amazonaws\.com/.test(text + (image ?? ''))
      ? `Give the nodes pull access to ${registry}: attach AmazonEC2ContainerRegistryReadOnly (ecr:GetAuthorizationToken, ecr:BatchGetImage) to the node IAM role, or configure the kubelet ECR credential provider; then delete the pod.`
      : `Give the pod credentials for ${registry}: create a docker-registry Secret and reference it in imagePullSecrets (or the ServiceAccount), then delete the pod.`;
  }
  if (/: EOF\b|unexpected EOF|connection reset by peer/.test(text)) return `Check that the nodes can reach ${registry} over HTTPS (proxy, firewall, egress rules); pulling the image by hand on the node (crictl pull) shows the same error.`;
  if (/context canceled|code = Canceled|context deadline exceeded/i.test(text)) return 'The pull did not finish in time: pre-pull the image on the nodes (or use a smaller image / nearer mirror), or raise the kubelet --runtime-request-timeout.';
  return undefined;
}

function evaluate(ctx: Context): Finding[] {
  const out: Finding[] = [];
  for (const c of ctx.containers) {
    const w = c.waiting;
    const statusHit = w !== undefined && PULL_REASONS.has(w.reason);
    const events = c.events.filter((e) => PULL_EVENT.test(e.message) || (e.reason === 'Failed' && /pull/i.test(e.message)) || e.reason === 'InspectFailed' || e.reason === 'ErrImageNeverPull');
    if (!statusHit && events.length === 0) continue;
    // Pull events for a container that runs (or crashes) now are history, not the cause.
    if (!statusHit && (c.runningSince || c.last || c.terminated)) continue;
    const evidence: Evidence[] = [];
    const we = waitingEvidence(c);
    if (we) evidence.push(we);
    const failedPull = events.filter((e) => /Failed to pull|couldn't parse|InvalidImageName|ErrImageNeverPull/.test(e.message) || e.reason === 'InspectFailed');
    const ev = failedPull[failedPull.length - 1] ?? events[events.length - 1];
    if (ev) evidence.push(eventEvidence(ev));
    const text = `${w?.reason ?? ''} ${w?.message ?? ''} ${ev?.message ?? ''}`;
    out.push(makeFinding(ctx, c, 'image-pull-failure', statusHit ? 0.98 : 0.9,
      `Image ${c.image ? `"${c.image}" ` : ''}of "${c.name}" cannot be pulled: ${why(text)}`, evidence, fixFor('image-pull-failure', ctx, c, { advice: advice(text, c.image) })));
  }
  return out;
}

export const imagePullRule: Rule = { id: 'image-pull-failure', evaluate: (ctx) => evaluate(ctx) };
