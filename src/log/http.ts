// Request ids for the plain HTTP routes (POST /alertmanager & co.): taken from `x-request-id` or made
// up, echoed in the response, put on every log line written while the request is handled, and one
// line per request with its status and duration.
import type { Logger } from 'pino';
import type { Route } from '../server/routes.ts';
import { requestId, withLogContext } from './context.ts';

export function loggedRoute(route: Route, logger: Logger): Route {
  return {
    ...route,
    handler: (req, res) => {
      const reqId = requestId(req.headers['x-request-id']);
      res.setHeader('x-request-id', reqId);
      const start = performance.now();
      res.once('finish', () => {
        logger.info({ reqId, method: req.method, path: route.path, status: res.statusCode, ms: Math.round(performance.now() - start) }, 'request');
      });
      // The result (a promise, for async routes) goes back to the server, which answers 500 if it rejects.
      return withLogContext({ reqId }, () => route.handler(req, res));
    },
  };
}
