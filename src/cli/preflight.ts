/**
 * `npm run preflight`: what stands between this configuration and a launch. It reads the same
 * data and environment as the line and lists, one line each, what blocks (numbers never or no
 * longer verified, a missing secret or address, a fallback document older than the data) and
 * what to check (short numbers Twilio may not reach). With --call SERVICE it places one test
 * call through Twilio; with --twilio it reads where the helpline's number sends its calls.
 * docs/preflight.md is the operator's guide.
 */
import { loadConfig } from '../config/load.js';
import type { Problem } from '../config/problems.js';
import { nobodyToReachDates, safetyNetHours } from '../time/coverage.js';
import type { Config } from '../config/types.js';
import { readEnv } from '../http/env.js';
import { fallbackTwiml } from '../call/twiml.js';
import { brusselsDate, unverifiedServices } from '../time/verification.js';
import { displayPath, envPaths, parseOptions, UsageError } from './common.js';
import { documentDigest, fallbackRecordPath, readFallbackRecord, type RecordState } from './fallback-record.js';

export type FindingKind =
  | 'never-verified'
  | 'verification-too-old'
  | 'env-missing'
  | 'env-invalid'
  | 'fallback-not-printed'
  | 'fallback-outdated'
  | 'nobody-to-reach'
  | 'short-number';

export interface Finding {
  kind: FindingKind;
  blocking: boolean;
  /** The service concerned, if any. */
  service?: string | undefined;
  message: string;
  /** The directory's `check` for the service: what a person must confirm. */
  check?: string | undefined;
}

export interface Report {
  ready: boolean;
  /** Today in Belgium, the day verifications are counted from. */
  date: string;
  blocking: Finding[];
  toCheck: Finding[];
  /** The data's problems with their codes (docs/configuration.md): the loader's warnings here. */
  problems: Problem[];
}

export interface PreflightInput {
  config: Config;
  env: NodeJS.ProcessEnv;
  now: Date;
  record: RecordState;
  /** The loader's problems (warnings), passed through to the report. */
  problems?: Problem[];
}

/** The findings, without side effects: the data, the environment, the clock and the record are given. */
export function preflight({ config, env, now, record, problems = [] }: PreflightInput): Report {
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);

  const empty = nobodyToReachDates(safetyNetHours(config), now);
  if (empty.length > 0)
    add({
      kind: 'nobody-to-reach',
      blocking: true,
      message: `no safety-net service is open on ${empty.join(', ')}: a caller who does not choose, or whose choice fails, would reach nobody. Add an opening, or shorten a closure or holiday, of one of them (docs/configuration.md, "Nobody-to-reach days").`,
    });

  for (const u of unverifiedServices(config, now)) {
    const s = config.services[u.id]!;
    // A number the line only says (connect: say, e.g. 101) is confirmed, not test-called.
    const what =
      s.connect === 'say'
        ? `confirm the number callers are told (${s.dial}) and the hours`
        : `test-call ${s.dial} (npm run preflight -- --call ${s.id}) and confirm the hours with the service`;
    const hours = u.secondaryHours
      ? ' Its hours come from public pages (hours_source: secondary): confirm them too.'
      : '';
    if (u.state.status === 'never') {
      add({
        kind: 'never-verified',
        blocking: true,
        service: s.id,
        check: s.check,
        message: `never verified: ${what}, then record verified: "YYYY-MM-DD" in the directory.${hours}`,
      });
    } else {
      add({
        kind: 'verification-too-old',
        blocking: true,
        service: s.id,
        check: s.check,
        message: `verified on ${u.state.date}, ${u.state.ageDays} days ago (settings.verify_max_age_days: ${u.state.maxAgeDays}): ${what} again, then update verified.${hours}`,
      });
    }
  }

  for (const s of Object.values(config.services)) {
    if (s.connect === 'transfer' && s.dialKind === 'short') {
      add({
        kind: 'short-number',
        blocking: false,
        service: s.id,
        message: `transfers to the short number ${s.dial}, which Twilio may not reach: try it with npm run preflight -- --call ${s.id}; if it fails, set dial to a number or SIP URI your carrier reaches, or connect: say.`,
      });
    }
  }

  const e = readEnv(env);
  if (!e.authToken) {
    add({
      kind: 'env-missing',
      blocking: true,
      message:
        "TWILIO_AUTH_TOKEN is not set: in production the line refuses to start without it (it checks every webhook's Twilio signature).",
    });
  }
  if (!e.publicBaseUrl) {
    add({
      kind: 'env-missing',
      blocking: !e.trustProxy,
      message: e.trustProxy
        ? "PUBLIC_BASE_URL is not set (TRUST_PROXY is on, so signatures are checked against the forwarded URL): set it so --twilio can check the number's voice URL."
        : 'PUBLIC_BASE_URL is not set: signatures are checked against the URL this process sees, and behind a TLS proxy every webhook gets 403. Set it to the URL Twilio calls, without /voice.',
    });
  }
  if (!config.settings.hotlineNumber) {
    add({
      kind: 'env-missing',
      blocking: true,
      message:
        "HOTLINE_NUMBER is not set (nor settings.hotline_number in the directory): in production the line refuses to start, and transfers would show callers' own numbers.",
    });
  }
  // The environment's other mistakes, as the server would report them (a missing token is above).
  for (const err of e.errors.filter((m) => !m.startsWith('TWILIO_AUTH_TOKEN')))
    add({ kind: 'env-invalid', blocking: true, message: err });

  const where = displayPath(fallbackRecordPath(env));
  if (record.status !== 'ok') {
    const why = record.status === 'unreadable' ? ` (${where}: ${record.reason})` : ` (no record in ${where})`;
    add({
      kind: 'fallback-not-printed',
      blocking: true,
      message: `the fallback document was never printed for this data${why}: run npm run fallback and paste it into the TwiML Bin of the number's fallback URL.`,
    });
  } else if (record.record.sha256 !== documentDigest(fallbackTwiml(config, now))) {
    add({
      kind: 'fallback-outdated',
      blocking: true,
      message: `the fallback document printed on ${record.record.printedAt.slice(0, 10)} is not the one of the current data (directory, menus' safety_net, prompts or HOTLINE_NUMBER changed): run npm run fallback again and paste it into the TwiML Bin.`,
    });
  }

  const blocking = findings.filter((f) => f.blocking);
  return {
    ready: blocking.length === 0,
    date: brusselsDate(now),
    blocking,
    toCheck: findings.filter((f) => !f.blocking),
    problems,
  };
}

function findingLine(f: Finding): string {
  const who =
    f.service ?? (f.kind.startsWith('env') ? 'environment' : f.kind === 'nobody-to-reach' ? 'safety net' : 'fallback');
  return `  ${who}: ${f.message}${f.check ? ` Check: ${f.check.replace(/\s+/g, ' ').trim()}` : ''}`;
}

export function formatReport(r: Report, config: Config): string {
  const src = config.sources;
  const out = [
    `Preflight on ${r.date} (Belgian date), data: ${displayPath(src.directory)}, ${displayPath(src.menus)}, ${displayPath(src.prompts)}`,
    '',
  ];
  out.push(`Blocking (${r.blocking.length}):`, ...(r.blocking.length ? r.blocking.map(findingLine) : ['  none']), '');
  out.push(`To check (${r.toCheck.length}):`, ...(r.toCheck.length ? r.toCheck.map(findingLine) : ['  none']), '');
  out.push(
    r.ready
      ? `Ready: nothing blocks${r.toCheck.length ? `; ${r.toCheck.length} to check` : ''}.`
      : `Not ready: ${r.blocking.length} blocking, ${r.toCheck.length} to check.`,
  );
  return out.join('\n') + '\n';
}

export const USAGE = `Usage: npm run preflight -- [--json] [--call SERVICE | --twilio]

Lists what stands between this configuration and a launch (docs/preflight.md). Reads the
line's data (HELPLINE_CONFIG, HELPLINE_MENUS, HELPLINE_PROMPTS), its environment
(TWILIO_AUTH_TOKEN, PUBLIC_BASE_URL, HOTLINE_NUMBER) and what npm run fallback recorded
(FALLBACK_RECORD, default data/fallback-record.json).
  --json            one JSON object instead of text
  --call SERVICE    place one short test call from the helpline's number to the service
                    (a directory id) through Twilio, and report how it ended
  --twilio          check that the helpline's number sends calls to PUBLIC_BASE_URL/voice
                    and has a TwiML Bin as its fallback URL
--call and --twilio use TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, in TWILIO_REGION/TWILIO_EDGE
(empty: US1; ie1 for Ireland, docs/operations.md).

Exit status: 0 nothing blocks (--call: the call completed; --twilio: both URLs are right);
1 something blocks (the list says what); 2 a bad option, broken data or missing credentials.`;

export interface PreflightIO {
  out(text: string): void;
  err(text: string): void;
}

export interface PreflightDeps {
  env?: NodeJS.ProcessEnv;
  now?: Date;
  /** How --call waits between status requests (tests pass one that does not wait). */
  sleep?: (ms: number) => Promise<void>;
}

function loadFor(
  env: NodeJS.ProcessEnv,
  now: Date,
  json: boolean,
  io: PreflightIO,
): { config: Config; problems: Problem[] } {
  const r = loadConfig(envPaths(env), now);
  if (!r.ok) {
    // With --json, the problems with their codes, for tools; the exit status stays 2.
    if (json) io.out(`${JSON.stringify({ ready: false, problems: r.problems }, null, 2)}\n`);
    throw new UsageError(
      json
        ? ''
        : `the helpline's data has ${r.errors.length} problem(s):\n${r.errors.map((e) => `  - ${e}`).join('\n')}`,
    );
  }
  return { config: r.config, problems: r.problems };
}

/** `npm run preflight`; resolves with the exit status. */
export async function preflightCli(argv: string[], io: PreflightIO, deps: PreflightDeps = {}): Promise<number> {
  const values = parseOptions(
    argv,
    {
      json: { type: 'boolean', default: false },
      call: { type: 'string' },
      twilio: { type: 'boolean', default: false },
    },
    USAGE,
    (usage) => io.out(`${usage}\n`),
  );
  if (!values) return 0;
  if (values.call !== undefined && values.twilio)
    throw new UsageError(`--call and --twilio are two separate checks: run them one at a time\n\n${USAGE}`);
  const env = deps.env ?? process.env;
  const now = deps.now ?? new Date();
  const { config, problems } = loadFor(env, now, values.json, io);
  if (values.call !== undefined || values.twilio) {
    const { runTwilioCheck } = await import('./preflight-twilio.js');
    return runTwilioCheck({
      config,
      env,
      now,
      io,
      json: values.json,
      call: values.call,
      sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    });
  }
  const report = preflight({ config, env, now, record: readFallbackRecord(fallbackRecordPath(env)), problems });
  io.out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report, config));
  return report.ready ? 0 : 1;
}
