/** The environment the server reads, checked in one place. */
import { E164 } from '../config/constants.js';

export interface Env {
  ok: boolean;
  errors: string[];
  port: number;
  host: string;
  production: boolean;
  authToken: string | undefined;
  publicBaseUrl: string | undefined;
  trustProxy: boolean;
  directory: string | undefined;
  menus: string | undefined;
  prompts: string | undefined;
  logLevel: string;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** The helpline's own number (E.164), shown to services instead of the caller's. */
  hotlineNumber: string | undefined;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readEnv(e: NodeJS.ProcessEnv): Env {
  const errors: string[] = [];
  const production = e.NODE_ENV === 'production';
  // An empty value (as an .env file or docker compose often leave) means "not set".
  const port = Number(e.PORT?.trim() || '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) errors.push(`PORT: "${e.PORT}" is not a port number`);
  const authToken = e.TWILIO_AUTH_TOKEN?.trim() || undefined;
  if (production && !authToken) {
    errors.push(
      "TWILIO_AUTH_TOKEN is not set, and NODE_ENV=production: the line will not run without checking Twilio signatures. Set TWILIO_AUTH_TOKEN to the account's auth token.",
    );
  }
  let publicBaseUrl = e.PUBLIC_BASE_URL?.trim() || undefined;
  if (publicBaseUrl) {
    try {
      const u = new URL(publicBaseUrl);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
      if (u.search || u.hash) throw new Error('query');
      publicBaseUrl = publicBaseUrl.replace(/\/+$/, '');
    } catch {
      errors.push(`PUBLIC_BASE_URL: "${publicBaseUrl}" is not a base URL such as https://ivr.example.be`);
    }
  }
  const trust = (e.TRUST_PROXY ?? '').toLowerCase();
  const metricsToken = e.METRICS_TOKEN?.trim() || undefined;
  const hotlineNumber = e.HOTLINE_NUMBER?.trim() || undefined;
  if (hotlineNumber && !E164.test(hotlineNumber))
    errors.push(`HOTLINE_NUMBER: "${hotlineNumber}" is not an E.164 number such as +3225550100`);
  if (metricsToken && !/^[\x21-\x7e]+$/.test(metricsToken))
    errors.push('METRICS_TOKEN: use printable characters without spaces (e.g. the output of `openssl rand -hex 32`)');
  const logLevel = e.LOG_LEVEL?.trim() || 'info';
  if (!LEVELS.includes(logLevel)) errors.push(`LOG_LEVEL: "${logLevel}" is not one of ${LEVELS.join(', ')}`);
  return {
    ok: errors.length === 0,
    errors,
    port,
    host: e.HOST || '0.0.0.0',
    production,
    authToken,
    publicBaseUrl,
    trustProxy: trust === 'true' || trust === '1' || trust === 'yes',
    directory: e.HELPLINE_CONFIG || undefined,
    menus: e.HELPLINE_MENUS || undefined,
    prompts: e.HELPLINE_PROMPTS || undefined,
    logLevel: LEVELS.includes(logLevel) ? logLevel : 'info',
    metricsToken,
    hotlineNumber,
  };
}
