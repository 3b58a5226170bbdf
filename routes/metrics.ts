import type { FastifyPluginAsync } from 'fastify';
import { bearerMatches, type Metrics } from '../src/http/metrics.js';

export interface MetricsRoutesOptions {
  metrics: Metrics;
  /** When set, only `Authorization: Bearer <token>` is answered. */
  token: string | undefined;
}

/** GET /metrics: Prometheus text format. With METRICS_TOKEN set, only with
 * `Authorization: Bearer <token>`; 401 otherwise. */
export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { metrics, token }) => {
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (token && !bearerMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="helpline metrics"')
        .send({ error: 'unauthorized' });
    }
    return reply
      .header('cache-control', 'no-store')
      .type(metrics.contentType)
      .send(await metrics.text());
  });
};
