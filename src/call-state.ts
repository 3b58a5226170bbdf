/**
 * The call's state and the webhook URLs that carry it. The line keeps nothing between two
 * webhooks of a call: the state is written into the action URLs of the TwiML and read back
 * from the query Twilio posts to. This module is the one place that does both, and the one
 * place where what Twilio sends back is checked against the configuration in force.
 *
 * Adding a field to the state: add it to CallState and to FIELDS (the compiler asks for the
 * second once the first is done).
 */
import { RESERVED_MENU_IDS, type Config, type Lang } from './config/types.js';

/** What the line remembers of a call between two webhooks. */
export interface CallState {
  /** Absent only in the language menu. */
  lang?: Lang | undefined;
  /** A menu of the data, or one of the engine's pseudo-menus (RESERVED_MENU_IDS). */
  menu: string;
  /** Failed tries in a row (wrong key or silence) in this menu. */
  tries: number;
  /** In the alternatives menu: the service that was closed or failed, not offered again. */
  exclude?: string | undefined;
}

/** A state as read back from a URL, checked: `menu` is undefined when the URL names no menu
 * the configuration knows (a forged URL, or one from before a reload removed the menu). */
export type ReceivedState = Omit<CallState, 'menu'> & { menu?: string | undefined };

/** The webhooks Twilio calls (routes/voice.ts). */
export const WEBHOOKS = { call: '/voice', menu: '/voice/menu', dial: '/voice/dial', fallback: '/voice/fallback' } as const;
export const WEBHOOK_PATHS: readonly string[] = Object.values(WEBHOOKS);

/** Every query name of every webhook URL: each means one thing, on every webhook. */
export const QUERY = {
  lang: 'l',
  menu: 'm',
  tries: 't',
  exclude: 'x',
  /** /voice/menu: the Gather timed out (the Redirect after it). */
  silent: 'q',
  /** /voice/dial: the service the transfer was to. */
  service: 's',
  /** /voice/dial: the transfer was the safety net's. */
  safetyNet: 'n',
} as const;

/** Query values longer than this are refused unread: no id of the data is that long. */
const MAX_VALUE = 64;

/** How one field of the state is written into a URL and read back (checked) from one. */
interface Field<T> {
  name: string;
  /** Also written into the /voice/dial action URL (a transfer's outcome needs it). */
  dial: boolean;
  /** The value as written; undefined: left out of the URL. */
  write(value: T): string | undefined;
  /** The value read back, checked against the configuration; anything else reads as absent. */
  read(raw: string | undefined, config: Config): T;
}

const FIELDS: { [K in keyof CallState]-?: Field<ReceivedState[K]> } = {
  lang: { name: QUERY.lang, dial: true, write: (v) => v, read: (raw, c) => (raw !== undefined && c.languages.includes(raw) ? raw : undefined) },
  menu: { name: QUERY.menu, dial: false, write: (v) => v, read: (raw, c) => (isMenu(raw, c) ? raw : undefined) },
  tries: { name: QUERY.tries, dial: false, write: String, read: readTries },
  exclude: { name: QUERY.exclude, dial: false, write: (v) => v, read: (raw, c) => (isService(raw, c) ? raw : undefined) },
};
const FIELD_NAMES = Object.keys(FIELDS) as Array<keyof CallState>;

/** Own properties only: `m=constructor` or `s=__proto__` must not find Object's members. */
function isMenu(id: string | undefined, config: Config): id is string {
  return id !== undefined && (Object.hasOwn(config.flow.menus, id) || RESERVED_MENU_IDS.includes(id));
}

function isService(id: string | undefined, config: Config): id is string {
  return id !== undefined && Object.hasOwn(config.services, id);
}

/** Tries as the engine writes them: 0 up to maxTries, in plain digits. Anything else is 0. */
function readTries(raw: string | undefined, config: Config): number {
  if (raw === undefined || !/^\d{1,2}$/.test(raw)) return 0;
  const n = Number(raw);
  return n <= config.flow.maxTries ? n : 0;
}

/** One parameter of a webhook's query or body as Twilio sends it: a short string. Repeated:
 * the first; missing or not a string: undefined; longer than `max`: cut to `max`. */
export function param(source: unknown, name: string, max = 64): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  let v = Object.hasOwn(source, name) ? (source as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(v)) v = v[0];
  if (typeof v !== 'string') return undefined;
  return v.length > max ? v.slice(0, max) : v;
}

/** A query value for the codec: over-long values are refused, not cut. */
function value(query: unknown, name: string): string | undefined {
  const v = param(query, name, MAX_VALUE + 1);
  return v !== undefined && v.length <= MAX_VALUE ? v : undefined;
}

function writeState(state: Partial<CallState>, forDial: boolean): string {
  let q = '';
  for (const k of FIELD_NAMES) {
    const field = FIELDS[k] as Field<unknown>;
    if (forDial && !field.dial) continue;
    const v = field.write(state[k]);
    if (v !== undefined) q += `${q ? '&' : ''}${field.name}=${encodeURIComponent(v)}`;
  }
  return q;
}

function readState(query: unknown, config: Config): ReceivedState {
  const state: Record<string, unknown> = {};
  for (const k of FIELD_NAMES) {
    const field = FIELDS[k] as Field<unknown>;
    state[k] = field.read(value(query, field.name), config);
  }
  return state as unknown as ReceivedState;
}

/** The state as a string that differs exactly when the written URLs do (the renderer's cache key). */
export function stateKey(state: CallState): string {
  return writeState(state, false);
}

/** The URL a menu's key is posted to; `silent`: the one its time-out is redirected to. */
export function menuUrl(state: CallState, silent = false): string {
  return `${WEBHOOKS.menu}?${writeState(state, false)}${silent ? `&${QUERY.silent}=1` : ''}`;
}

export interface DialTarget {
  state: Pick<CallState, 'lang'>;
  service: string;
  safetyNet?: boolean | undefined;
}

/** The URL a transfer's outcome is posted to. */
export function dialUrl({ state, service, safetyNet }: DialTarget): string {
  const s = writeState(state, true);
  return `${WEBHOOKS.dial}?${s}${s ? '&' : ''}${QUERY.service}=${encodeURIComponent(service)}${safetyNet ? `&${QUERY.safetyNet}=1` : ''}`;
}

/** POST /voice/menu's query, read and checked. */
export function readMenuQuery(query: unknown, config: Config): { state: ReceivedState; silent: boolean } {
  return { state: readState(query, config), silent: value(query, QUERY.silent) === '1' };
}

/** POST /voice/dial's query, read and checked: `service` is undefined unless it is one of the directory. */
export function readDialQuery(query: unknown, config: Config): { state: ReceivedState; service: string | undefined; safetyNet: boolean } {
  const service = value(query, QUERY.service);
  return {
    state: readState(query, config),
    service: isService(service, config) ? service : undefined,
    safetyNet: value(query, QUERY.safetyNet) === '1',
  };
}
