/**
 * Reload the data files (directory, menus, prompts) while the line runs: on SIGHUP
 * (src/http/server.ts). The files are those the line started with (config.sources). A file with
 * a problem keeps the configuration in force, and every problem is logged with its place.
 * Calls in flight go on: their state is in the URLs Twilio posts to, and the new
 * configuration is put in force between two requests.
 */
import type { FastifyBaseLogger } from 'fastify';
import { loadConfig } from '../config/load.js';
import type { Helpline } from './runtime.js';

export type ReloadResult = { ok: true; warnings: string[] } | { ok: false; errors: string[]; warnings: string[] };

/** What a reload reads and changes: the configuration in force, and its counter. */
export type Reloadable = Pick<Helpline, 'config' | 'reload' | 'metrics'>;

export function reloadFromSources(h: Reloadable, log: FastifyBaseLogger, now: Date = new Date()): ReloadResult {
  const loaded = loadConfig(h.config.sources, now);
  for (const w of loaded.warnings) log.warn({ event: 'config-warning' }, w);
  let errors: string[] = loaded.ok ? [] : loaded.errors;
  if (loaded.ok) {
    try {
      h.reload(loaded.config);
    } catch (err) {
      errors = [`the new configuration could not be put in force: ${err instanceof Error ? err.message : String(err)}`];
    }
  }
  if (errors.length > 0) {
    for (const e of errors) log.error({ event: 'reload-problem' }, e);
    log.error(
      { event: 'reload-failed', problems: errors.length },
      `reload refused: ${errors.length} problem(s); the previous configuration stays in force`,
    );
    h.metrics.reload('failed');
    return { ok: false, errors, warnings: loaded.warnings };
  }
  log.info({ event: 'reloaded', services: Object.keys(h.config.services).length }, 'configuration reloaded');
  h.metrics.reload('ok');
  return { ok: true, warnings: loaded.warnings };
}
