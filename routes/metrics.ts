import type { FastifyPluginAsync } from 'fastify';
import { bearerMatches } from '../src/metrics.js';

/** GET /metrics: Prometheus text format. With METRICS_TOKEN set, only with
 * `Authorization: Bearer <token>`; 401 otherwise. */
export const metricsRoutes: FastifyPluginAsync = async (app) => {
  const h = app.helpline;
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (h.metricsToken && !bearerMatches(request.headers.authorization, h.metricsToken)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="helpline metrics"').send({ error: 'unauthorized' });
    }
    return reply.header('cache-control', 'no-store').type(h.metrics.contentType).send(await h.metrics.text());
  });
};
