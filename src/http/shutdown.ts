/**
 * Graceful shutdown on SIGTERM/SIGINT (docs/restarts.md): accept what the kernel already queued,
 * then stop accepting connections, answer every request that reaches the server on a connection already accepted, exit 0; or
 * exit 1 after `graceMs` if some are still running (a client that never finishes its body).
 * Docker sends SIGTERM and SIGKILLs after its stop grace period (10 s by default), so
 * `graceMs` must stay below it.
 *
 * Never a 503 while stopping (src/http/app.ts turns Fastify's return503OnClosing off): Twilio takes
 * it as an application error, and a proxy does not retry a POST that got one (by default),
 * though it does retry a refused connection on another replica.
 */
import { Server } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { EXIT_FLUSH_MS } from './logging.js';

export const SHUTDOWN_GRACE_MS = 8_000;

/**
 * How long after the signal a connection with no request in progress stays open. A connection
 * accepted just before the signal may have its first request on the way (a proxy writes it as
 * soon as it connects); a keep-alive one may get the call's next webhook. Both are answered, with
 * `Connection: close`; what is still idle then is closed.
 */
export const IDLE_CLOSE_MS = 2_000;

/**
 * Connections the kernel has already completed but the line has not yet accepted are reset when
 * the listener closes: their clients have connected and sent their request, so a proxy would not
 * retry it elsewhere. So after the signal the line keeps accepting until no connection has come
 * for ACCEPT_QUIET_MS (the queue is empty), at most ACCEPT_DRAIN_MAX_MS, then refuses new ones.
 */
export const ACCEPT_QUIET_MS = 25;
export const ACCEPT_DRAIN_MAX_MS = 1_000;

/** Stops the line as on SIGTERM; `exitCode` is the code of the exit once all is answered. */
export type Stop = (reason: string, exitCode: number) => void;

/** Call before the app listens (it adds a hook). Returns the stop, for other reasons to stop
 * (src/http/server.ts: an uncaught error). */
export function installShutdown(app: FastifyInstance, log: Logger, graceMs = SHUTDOWN_GRACE_MS): Stop {
  let closing = false;
  let exitCode = 0;
  // Once closing, every answer closes its connection (Node then ends it after the answer).
  // A callback hook, not an async one: an async hook costs every request a promise and a
  // microtask, for a flag that is false until the line stops.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });

  const shutdown: Stop = (signal, code) => {
    exitCode = Math.max(exitCode, code); // an error while stopping still exits non-zero
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => {
      log.error({ event: 'shutdown-timeout' }, 'webhooks still in flight after the grace period: exiting');
      process.exit(1);
      // Leaves the log's exit flush its time (src/http/logging.ts): the process is gone by graceMs.
    }, graceMs - EXIT_FLUSH_MS);
    timer.unref();

    const server = app.server;
    const closeIdle = () => server.closeIdleConnections();
    // After IDLE_CLOSE_MS, close what is idle; then every 250 ms, in case a connection falls idle
    // without closing (none should: every answer after the signal closes its connection).
    setTimeout(() => {
      closeIdle();
      setInterval(closeIdle, 250).unref();
    }, IDLE_CLOSE_MS).unref();
    // net.Server's close: stop accepting, call back once every connection has ended.
    // (http.Server's close, which app.close() calls, would also destroy at once the connections
    // with no request in progress, including those whose first request is on its way.)
    const stopAccepting = () => {
      Server.prototype.close.call(server, () => {
        app.close().then(
          () => {
            log.info({ event: 'stopped', exitCode }, 'stopped');
            process.exit(exitCode);
          },
          (err: unknown) => {
            log.error({ err }, 'error while stopping');
            process.exit(1);
          },
        );
      });
      log.info(
        { event: 'shutdown', signal },
        'stopping: new connections are refused; answering the webhooks on open ones',
      );
    };
    let accepts = 0;
    let lastAccept = performance.now();
    const accepted = () => {
      accepts++;
      lastAccept = performance.now();
    };
    server.on('connection', accepted);
    const drainStarted = lastAccept;
    // A setImmediate callback runs after the event loop's next poll phase, which accepts all that
    // the kernel has queued: no accept in it means the queue was empty. (A timer alone would see a
    // busy loop as a quiet one.)
    const step = () => {
      const before = accepts;
      setImmediate(() => {
        const now = performance.now();
        const quiet = accepts === before && now - lastAccept >= ACCEPT_QUIET_MS;
        if (!quiet && now - drainStarted < ACCEPT_DRAIN_MAX_MS) {
          setTimeout(step, 2);
          return;
        }
        server.off('connection', accepted);
        stopAccepting();
      });
    };
    step();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  return shutdown;
}
