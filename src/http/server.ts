/**
 * The server entry: reads the environment, checks the data, listens, stops cleanly.
 *   PORT (3000), HOST (0.0.0.0), NODE_ENV, TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL, TRUST_PROXY,
 *   HELPLINE_CONFIG, HELPLINE_MENUS, HELPLINE_PROMPTS, LOG_LEVEL, METRICS_TOKEN, HOTLINE_NUMBER
 * SIGHUP reloads the data files (src/http/reload.ts); SIGTERM and SIGINT stop cleanly.
 */
import { flushCompileCache } from 'node:module';
import { buildApp } from './app.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from './logging.js';
import { readEnv } from './env.js';
import { reloadFromSources } from './reload.js';
import { installShutdown, type Stop } from './shutdown.js';
import { neverVerifiedWarning } from '../time/verification.js';
import { useBrusselsTime } from '../time/zone.js';

/** Until the line listens, an uncaught error just ends the process. */
let stop: Stop = (_reason, code) => process.exit(code);

/** An error's class and where it was thrown, never its message: a message may quote a request. */
function described(err: unknown): { type: string; code?: string; stack?: string[] } {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as NodeJS.ErrnoException).code;
  const stack = err.stack
    ?.split('\n')
    .filter((l) => /^\s+at /.test(l))
    .map((l) => l.trim());
  return { type: err.name, ...(typeof code === 'string' ? { code } : {}), ...(stack ? { stack } : {}) };
}

async function main(): Promise<void> {
  // Opening hours are read in local time (src/time/zone.ts).
  useBrusselsTime();
  const env = readEnv(process.env);
  const log = createLogger(env.logLevel);
  // A bug that escaped every handler: log it, answer what is in flight (as on SIGTERM), then
  // exit non-zero so the supervisor restarts the line.
  for (const kind of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(kind, (err: unknown) => {
      log.fatal({ event: 'crash', kind, error: described(err) }, 'uncaught error: stopping, to be restarted');
      stop(kind, 1);
    });
  }
  if (!env.ok) {
    for (const e of env.errors) log.fatal(e);
    process.stderr.write(`Refusing to start:\n${env.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    process.exit(1);
  }
  const loaded = loadConfig({
    directory: env.directory,
    menus: env.menus,
    prompts: env.prompts,
    hotlineNumber: env.hotlineNumber,
  });
  for (const w of loaded.warnings) log.warn({ event: 'config-warning' }, w);
  if (!loaded.ok) {
    process.stderr.write(
      `Refusing to start: the helpline's data has ${loaded.errors.length} problem(s):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`,
    );
    process.exit(1);
  }
  if (env.production && !loaded.config.settings.hotlineNumber) {
    process.stderr.write(
      "Refusing to start: HOTLINE_NUMBER is not set (nor settings.hotline_number in the directory), and NODE_ENV=production: transfers to services with caller_id: hotline, and the fallback document's transfer, would show the caller's own number. Set HOTLINE_NUMBER to the helpline's Twilio number (E.164, e.g. +3225550100).\n",
    );
    process.exit(1);
  }
  // Once, at start: a number nobody has test-called may not reach anyone (npm run preflight).
  const unverified = env.production ? neverVerifiedWarning(loaded.config, new Date()) : undefined;
  if (unverified) log.warn({ event: 'numbers-unverified' }, unverified);
  if (env.production && !env.publicBaseUrl && !env.trustProxy) {
    log.warn(
      { event: 'public-url-unset' },
      'PUBLIC_BASE_URL is not set and TRUST_PROXY is off: signatures are checked against the URL as this process sees it. Behind a TLS proxy every webhook will get 403: set PUBLIC_BASE_URL to the URL Twilio calls.',
    );
  }
  if (!env.authToken) {
    log.warn(
      { event: 'signatures-off' },
      '!!! TWILIO_AUTH_TOKEN is not set: Twilio signatures are NOT checked. Anyone can call the webhooks. Never run like this in production. !!!',
    );
  }
  const app = await buildApp({
    config: loaded.config,
    authToken: env.authToken,
    publicBaseUrl: env.publicBaseUrl,
    trustProxy: env.trustProxy,
    logger: log,
    metricsToken: env.metricsToken,
    // In production, usage figures are served only behind a token.
    metricsEnabled: !env.production || env.metricsToken !== undefined,
    processMetrics: true,
  });
  if (!env.metricsToken && env.production) {
    log.warn(
      { event: 'metrics-off' },
      'METRICS_TOKEN is not set: GET /metrics is turned off in production. Set METRICS_TOKEN to scrape it.',
    );
  } else if (!env.metricsToken) {
    log.warn(
      { event: 'metrics-open' },
      'METRICS_TOKEN is not set: GET /metrics answers anyone who reaches it (development only; in production it is turned off).',
    );
  }

  stop = installShutdown(app, log);
  process.on('SIGHUP', () => {
    log.info({ event: 'reload', signal: 'SIGHUP' }, 'reloading the directory, menus and prompts');
    reloadFromSources(app.helpline, app.log);
  });

  await app.listen({ port: env.port, host: env.host });
  // With the compile cache on (npm start), write it now, not at exit: a line that is killed
  // still starts faster next time. Nothing happens when it is off.
  flushCompileCache();
}

main().catch((err: unknown) => {
  process.stderr.write(`Refusing to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
