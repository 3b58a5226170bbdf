import bearerAuth from '@fastify/bearer-auth';
import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../src/http/metrics.js';
import type { RefusalLog } from '../src/http/refusals.js';

export interface MetricsRoutesOptions {
  metrics: Metrics;
  /** When set, only `Authorization: Bearer <token>` is answered. */
  token: string | undefined;
  refusals: RefusalLog;
}

/** GET /metrics: Prometheus text format. With METRICS_TOKEN set, only with
 * `Authorization: Bearer <token>` (checked by @fastify/bearer-auth); 401 otherwise. */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { metrics, token, refusals }) => {
  if (token) {
    await app.register(bearerAuth, {
      keys: [token],
      specCompliance: 'rfc6749', // the scheme's name in any case, as RFC 7235 says
      errorResponse: () => ({ error: 'unauthorized' }),
      verifyErrorLogLevel: 'debug', // logged in summary below, not once per refusal
    });
    app.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode === 401) {
        reply.header('www-authenticate', 'Bearer realm="helpline metrics"');
        refusals.refused('metrics-token', request.log, {
          event: 'metrics-unauthorized',
          msg: 'GET /metrics without the token',
        });
      }
      done(null, payload);
    });
  }
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    return reply
      .header('cache-control', 'no-store')
      .type(metrics.contentType)
      .send(await metrics.text());
  });
};
