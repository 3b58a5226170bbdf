/**
 * The call's state and the webhook URLs that carry it. The line keeps nothing between two
 * webhooks of a call: the state is written into the action URLs of the TwiML and read back
 * from the query Twilio posts to. This module is the one place that does both, and the one
 * place where what Twilio sends back is checked against the configuration in force.
 *
 * Adding a field to the state: add it to CallState (or DialState) and to MENU_FIELDS (or DIAL_FIELDS) (the compiler asks for the
 * second once the first is done).
 */
import { RESERVED_MENU_IDS, type Config, type Lang } from '../config/types.js';

/** What the line remembers of a call between two webhooks. */
export interface CallState {
  /** Absent while the caller has chosen none: before the language choice, and after it for a
   * caller who chose none (put through; then spoken to in every greeting language). */
  lang?: Lang | undefined;
  /** A menu of the data, or one of the engine's pseudo-menus (RESERVED_MENU_IDS). */
  menu: string;
  /** Failed tries in a row (wrong key or silence) in this menu. */
  tries: number;
  /** Services that failed, or whose number was said, during this call: never offered again. */
  failed: readonly string[];
  /** In the offers: the service just closed or failed, so that services like it come first. */
  focus?: string | undefined;
}

/** What a transfer's outcome needs: the call's state when the transfer was made. */
export interface DialState {
  /** Undefined for a caller who chose no language: every greeting language is spoken to them. */
  lang: Lang | undefined;
  /** Undefined when the URL names no service of the directory. */
  service: string | undefined;
  failed: readonly string[];
  /** Made for a caller who did not choose (silence, wrong keys): its failure goes on to the next. */
  net: boolean;
}

/** What brought a caller to a transfer, for the whisper: asked to speak to someone now, after
 * another service could not answer, this service chosen, or a group of the data chosen. */
export type WhisperWhy = 'now' | 'retry' | 'service' | `group:${string}`;

/** What the whisper to the person who answers a transfer needs (the <Number url>). */
export interface WhisperState {
  /** The caller's language; undefined: they chose none. */
  lang: Lang | undefined;
  service: string | undefined;
  why: WhisperWhy | undefined;
}

/** A state as read back from a URL, checked: `menu` is undefined when the URL names no menu
 * the configuration knows (a forged URL, or one from before a reload removed the menu). */
export type ReceivedState = Omit<CallState, 'menu'> & { menu?: string | undefined };

/** A form field or query value as Fastify's parsers give it: a repeated name gives an array. */
export type FormValue = string | string[] | undefined;

/** A webhook's query: the state's names (QUERY), or their one-letter forebears (LEGACY_QUERY). */
export type WebhookQuery = Readonly<Record<string, FormValue>>;

/** The webhooks Twilio calls (routes/voice.ts). */
export const WEBHOOKS = {
  call: '/voice',
  menu: '/voice/menu',
  dial: '/voice/dial',
  fallback: '/voice/fallback',
  /** The answering leg of a transfer, before it is put through (<Number url>). */
  whisper: '/voice/whisper',
  /** The key (or its time-out) of a whisper that asks for one (whisper: confirm). */
  whisperKey: '/voice/whisper/key',
} as const;
export const WEBHOOK_PATHS: readonly string[] = Object.values(WEBHOOKS);

/** Every query name of every webhook URL: each means one thing, on every webhook. */
export const QUERY = {
  lang: 'lang',
  menu: 'menu',
  tries: 'tries',
  failed: 'failed',
  focus: 'focus',
  /** /voice/menu: the Gather timed out (the Redirect after it). */
  silent: 'silent',
  /** /voice/dial: the service the transfer was to. */
  service: 'service',
  /** /voice/dial: the transfer was made for a caller who did not choose. */
  net: 'net',
  /** /voice/whisper: what brought the caller (WhisperWhy). */
  why: 'why',
} as const;

/** The one-letter names of release 0.1, still read (never written) so that calls in progress
 * across the deploy that renamed them keep working. Remove in the release after. */
export const LEGACY_QUERY: Readonly<Partial<Record<keyof typeof QUERY, string>>> = {
  lang: 'l',
  menu: 'm',
  tries: 't',
  failed: 'f',
  focus: 'o',
  silent: 'q',
  service: 's',
  net: 'n',
};

/** Services in the failed list are joined by this (ids are letters, digits and dashes). */
const LIST = '.';

/** Query values longer than this are refused unread: no id of the data is that long. */
const MAX_VALUE = 64;

/** How one field of the state is written into a URL and read back (checked) from one. */
interface Field<T> {
  name: string;
  /** The value as written; undefined: left out of the URL. */
  write(value: T): string | undefined;
  /** The value read back, checked against the configuration; anything else reads as absent. */
  read(raw: string | undefined, config: Config): T;
}

/** One Field for each field of a state `S`. */
type Fields<S> = { [K in keyof S]-?: Field<S[K]> };

const lang: Field<Lang | undefined> = {
  name: QUERY.lang,
  write: (v) => v,
  read: (raw, c) => (raw !== undefined && c.languages.includes(raw) ? raw : undefined),
};
const failed: Field<readonly string[]> = {
  name: QUERY.failed,
  write: (v) => (v.length ? v.join(LIST) : undefined),
  read: readFailed,
};

const MENU_FIELDS: Fields<ReceivedState> = {
  lang,
  menu: { name: QUERY.menu, write: (v) => v, read: (raw, c) => (isMenu(raw, c) ? raw : undefined) },
  tries: { name: QUERY.tries, write: String, read: readTries },
  failed,
  focus: { name: QUERY.focus, write: (v) => v, read: (raw, c) => (isService(raw, c) ? raw : undefined) },
};

const DIAL_FIELDS: Fields<DialState> = {
  lang,
  service: { name: QUERY.service, write: (v) => v, read: (raw, c) => (isService(raw, c) ? raw : undefined) },
  failed,
  net: { name: QUERY.net, write: (v) => (v ? '1' : undefined), read: (raw) => raw === '1' },
};

const WHISPER_FIELDS: Fields<WhisperState> = {
  lang,
  service: DIAL_FIELDS.service,
  why: { name: QUERY.why, write: (v) => v, read: readWhy },
};

/** A reason the engine writes; a group only when the data has it. */
function readWhy(raw: string | undefined, config: Config): WhisperWhy | undefined {
  if (raw === 'now' || raw === 'retry' || raw === 'service') return raw;
  const group = raw?.startsWith('group:') ? raw.slice('group:'.length) : undefined;
  return group !== undefined && Object.hasOwn(config.flow.groups, group) ? `group:${group}` : undefined;
}

/** Own properties only: `menu=constructor` or `service=__proto__` must not find Object's members. */
function isMenu(id: string | undefined, config: Config): id is string {
  return id !== undefined && (Object.hasOwn(config.flow.menus, id) || RESERVED_MENU_IDS.includes(id));
}

function isService(id: string | undefined, config: Config): id is string {
  return id !== undefined && Object.hasOwn(config.services, id);
}

/** The longest failed list the directory allows: every id once, joined. */
function failedMax(config: Config): number {
  return Object.keys(config.services).reduce((n, id) => n + id.length + LIST.length, 0);
}

/** Known services, each once, at most as many as the directory has; anything else is left out. */
function readFailed(raw: string | undefined, config: Config): string[] {
  if (raw === undefined) return [];
  const ids = raw.split(LIST).filter((id) => isService(id, config));
  return [...new Set(ids)];
}

/** Tries as the engine writes them: 0 up to maxTries, in plain digits. Anything else is 0. */
function readTries(raw: string | undefined, config: Config): number {
  if (raw === undefined || !/^\d{1,2}$/.test(raw)) return 0;
  const n = Number(raw);
  return n <= config.flow.maxTries ? n : 0;
}

/** One parameter of a webhook's form or query as Twilio sends it: a short string. Repeated:
 * the first; missing or not a string: undefined; longer than `max`: cut to `max`. `name` is
 * one the route's type of form or query knows (routes/voice.ts). */
export function param<T extends object>(
  source: T | null | undefined,
  name: keyof T & string,
  max = 64,
): string | undefined {
  return first(source, name, max);
}

function first(source: unknown, name: string, max: number): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  let v = Object.hasOwn(source, name) ? (source as Record<string, unknown>)[name] : undefined;
  if (Array.isArray(v)) v = v[0];
  if (typeof v !== 'string') return undefined;
  return v.length > max ? v.slice(0, max) : v;
}

/** A query value for the codec: over-long values are refused, not cut. A URL written before
 * the rename carries the one-letter name instead (LEGACY_QUERY). */
function value(query: unknown, name: string, max = MAX_VALUE): string | undefined {
  const legacy = LEGACY_NAME.get(name);
  const v = first(query, name, max + 1) ?? (legacy === undefined ? undefined : first(query, legacy, max + 1));
  return v !== undefined && v.length <= max ? v : undefined;
}

const LEGACY_NAME: ReadonlyMap<string, string> = new Map(
  (Object.keys(QUERY) as (keyof typeof QUERY)[]).flatMap((k) => {
    const old = LEGACY_QUERY[k];
    return old === undefined ? [] : [[QUERY[k], old] as const];
  }),
);

/** The names of a state's fields, in the order its Fields list them. */
function names<S>(fields: Fields<S>): (keyof S)[] {
  return Object.keys(fields) as (keyof S)[];
}

function write<S>(fields: Fields<S>, state: S): string {
  let q = '';
  for (const k of names(fields)) {
    const field = fields[k];
    const v = field.write(state[k]);
    if (v !== undefined) q += `${q ? '&' : ''}${field.name}=${encodeURIComponent(v)}`;
  }
  return q;
}

function read<S>(fields: Fields<S>, query: unknown, config: Config): S {
  const state: Partial<S> = {};
  for (const k of names(fields)) {
    const field = fields[k];
    state[k] = field.read(
      value(query, field.name, field.name === QUERY.failed ? failedMax(config) : MAX_VALUE),
      config,
    );
  }
  return state as S; // every field was just read
}

/** The state as a string that differs exactly when the written URLs do (the renderer's cache key). */
export function stateKey(state: CallState | DialState | WhisperState): string {
  if ('menu' in state) return write(MENU_FIELDS, state);
  return 'net' in state ? write(DIAL_FIELDS, state) : write(WHISPER_FIELDS, state);
}

/** The URL a menu's key is posted to; `silent`: the one its time-out is redirected to. */
export function menuUrl(state: CallState, silent = false): string {
  return `${WEBHOOKS.menu}?${write(MENU_FIELDS, state)}${silent ? `&${QUERY.silent}=1` : ''}`;
}

/** The URL a transfer's outcome is posted to. */
export function dialUrl(state: DialState): string {
  return `${WEBHOOKS.dial}?${write(DIAL_FIELDS, state)}`;
}

/** The URL of a transfer's whisper (<Number url>); `key`: where its key, or silence, is posted. */
export function whisperUrl(state: WhisperState, key = false): string {
  return `${key ? WEBHOOKS.whisperKey : WEBHOOKS.whisper}?${write(WHISPER_FIELDS, state)}`;
}

/** POST /voice/whisper's (and /voice/whisper/key's) query, read and checked. */
export function readWhisperQuery(query: unknown, config: Config): WhisperState {
  return read(WHISPER_FIELDS, query, config);
}

/** POST /voice/menu's query, read and checked. */
export function readMenuQuery(
  query: WebhookQuery | undefined,
  config: Config,
): { state: ReceivedState; silent: boolean } {
  return {
    state: read(MENU_FIELDS, query, config),
    silent: value(query, QUERY.silent) === '1',
  };
}

/** POST /voice/dial's query, read and checked. */
export function readDialQuery(query: WebhookQuery | undefined, config: Config): DialState {
  return read(DIAL_FIELDS, query, config);
}
