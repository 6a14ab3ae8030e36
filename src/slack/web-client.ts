// The bot's Slack Web API client, counted: every method call (after the client's own retries) and
// every 429 reaches the metrics port. A subclass, because the client binds `chat.postMessage` & co. to
// `apiCall` when it is constructed: overriding the method is the one hook that sees every call.
import { ErrorCode, WebClient, WebClientEvent, type WebAPICallResult, type WebClientOptions } from '@slack/web-api';
import type { Metrics } from '../metrics/metrics.ts';

/** `chat.postMessage` from `https://slack.com/api/chat.postMessage`. */
function methodOf(url: unknown): string {
  const path = typeof url === 'string' ? url.split('?')[0] ?? '' : '';
  return path.slice(path.lastIndexOf('/') + 1) || 'unknown';
}

class CountedWebClient extends WebClient {
  private readonly metrics: Metrics;

  constructor(token: string, options: WebClientOptions, metrics: Metrics) {
    super(token, options);
    this.metrics = metrics;
    this.on(WebClientEvent.RATE_LIMITED, (_retrySeconds: number, request: { url?: unknown }) => metrics.slackRateLimited(methodOf(request.url)));
  }

  override async apiCall(method: string, options?: Record<string, unknown>): Promise<WebAPICallResult> {
    // files.uploadV2 is not an API method: apiCall hands it to filesUploadV2, whose real calls are counted.
    if (method === 'files.uploadV2') return super.apiCall(method, options);
    try {
      const result = await super.apiCall(method, options);
      this.metrics.slackCall(method, true);
      return result;
    } catch (error) {
      // A 429 handed back at once (the outbox's client) is counted as rate-limited above, not as an error.
      if ((error as { code?: unknown }).code !== ErrorCode.RateLimitedError) this.metrics.slackCall(method, false);
      throw error;
    }
  }
}

export function createWebClient(token: string, options: WebClientOptions, metrics: Metrics): WebClient {
  return new CountedWebClient(token, options, metrics);
}
