import type { FastifyPluginAsync } from 'fastify';

/** GET /health: 200 once the app is built (its data was checked at start-up). */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
};
