/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, finish the webhooks in
 * flight, exit 0; or exit 1 after `graceMs` if some are still running (a client that never
 * finishes its body). Docker sends SIGTERM and SIGKILLs after its stop grace period (10 s by
 * default), so `graceMs` must stay below it.
 *
 * Twilio keeps connections alive. Node's server.close() closes only the connections idle at
 * that moment: one whose webhook is in flight would stay open after its answer and hold the
 * process until the grace period ran out. So, once closing, every answer says
 * `Connection: close`, and connections that fall idle are closed as they do.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export const SHUTDOWN_GRACE_MS = 8_000;

/** Call before the app listens (it adds hooks). */
export function installShutdown(app: FastifyInstance, log: Logger, graceMs = SHUTDOWN_GRACE_MS): void {
  let closing = false;
  // Callback hooks, not async ones: an async hook costs every request a promise and a
  // microtask, for a flag that is false until the line stops.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (_request, _reply, done) => {
    if (closing) setImmediate(() => app.server.closeIdleConnections());
    done();
  });

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ event: 'shutdown', signal }, 'stopping: finishing the webhooks in flight');
    const timer = setTimeout(() => {
      log.error({ event: 'shutdown-timeout' }, 'webhooks still in flight after the grace period: exiting');
      process.exit(1);
    }, graceMs);
    timer.unref();
    app.close().then(
      () => {
        log.info({ event: 'stopped' }, 'stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
