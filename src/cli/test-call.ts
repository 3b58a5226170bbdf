/**
 * `npm run preflight -- --call SERVICE`: one short test call from the helpline's number to a
 * service, through Twilio's REST API, followed until it ends.
 */
import type { Service } from '../config/types.js';
import { testCallTwiml } from '../call/twiml.js';
import { brusselsDate } from '../time/verification.js';
import { UsageError } from './common.js';
import type { Client, RemoteCommand } from './twilio-rest.js';

export const TERMINAL = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
/** Seconds the test call may last once answered (Twilio's TimeLimit). */
export const TEST_CALL_TIME_LIMIT = 60;

export interface TestCallResult {
  sid: string;
  /** The last status seen: one of TERMINAL, or the status when the wait ran out. */
  status: string;
  statuses: string[];
  durationSeconds?: number | undefined;
  timedOut: boolean;
}

export interface TestCallOptions {
  client: Client;
  service: Service;
  /** The helpline's number: the call's From. */
  from: string;
  twiml: string;
  sleep: (ms: number) => Promise<void>;
  onStatus?: (status: string, sid: string) => void;
}

/** Places the call, then asks for its status (after 0.25 s, doubling to 2 s) until it ends. */
export async function placeTestCall(o: TestCallOptions): Promise<TestCallResult> {
  const call = await o.client.calls.create({
    to: o.service.dial,
    from: o.from,
    twiml: o.twiml,
    timeout: o.service.dialTimeout,
    timeLimit: TEST_CALL_TIME_LIMIT,
  });
  const statuses = [call.status as string];
  o.onStatus?.(call.status, call.sid);
  let status: string = call.status;
  let duration: string | null = call.duration;
  // Ringing, then the message: the call cannot last longer, plus a margin for Twilio's queue.
  let waitLeft = (o.service.dialTimeout + TEST_CALL_TIME_LIMIT + 60) * 1000;
  let delay = 250;
  while (!(TERMINAL as readonly string[]).includes(status) && waitLeft > 0) {
    await o.sleep(delay);
    waitLeft -= delay;
    delay = Math.min(delay * 2, 2000);
    const now = await o.client.calls(call.sid).fetch();
    duration = now.duration;
    if (now.status !== status) {
      status = now.status;
      statuses.push(status);
      o.onStatus?.(status, call.sid);
    }
  }
  const timedOut = !(TERMINAL as readonly string[]).includes(status);
  if (timedOut) {
    // Do not leave a call ringing at a service: end it (best effort).
    await o.client
      .calls(call.sid)
      .update({ status: status === 'in-progress' ? 'completed' : 'canceled' })
      .catch(() => undefined);
  }
  const seconds = duration === null || duration === undefined ? undefined : Number(duration);
  return { sid: call.sid, status, statuses, durationSeconds: Number.isFinite(seconds) ? seconds : undefined, timedOut };
}

const OUTCOME_HINTS: Record<string, string> = {
  busy: 'the line was busy: try again later.',
  'no-answer': "nobody answered before the ring timeout (the service's dial_timeout).",
  failed:
    "Twilio could not place the call: check the number, the account's Voice geographic permissions for Belgium, and the call's log in the Twilio Console.",
  canceled: 'the call was cancelled before it was answered.',
};

/** `--call SERVICE`: only a service the line transfers to; exit status 0 when the call completed. */
export async function testCallCommand(o: RemoteCommand, id: string, client: Client): Promise<number> {
  const service = o.config.services[id];
  if (!service)
    throw new UsageError(
      `--call: unknown service "${id}" (the directory has: ${Object.keys(o.config.services).join(', ')})`,
    );
  if (service.connect === 'say') {
    throw new UsageError(
      `--call: ${id} has connect: say: the line says its number (${service.dial}) and never dials it, so there is no transfer to test through Twilio.`,
    );
  }
  const from = o.config.settings.hotlineNumber;
  if (!from)
    throw new UsageError(
      "--call: HOTLINE_NUMBER (or settings.hotline_number in the directory) is not set: the test call comes from the helpline's number",
    );
  const say = (t: string) => {
    if (!o.json) o.io.out(`${t}\n`);
  };
  say(`Test call to ${id} (${service.dial}) from the helpline's number, through Twilio:`);
  const r = await placeTestCall({
    client,
    service,
    from,
    twiml: testCallTwiml(o.config, service),
    sleep: o.sleep,
    onStatus: (s, sid) => say(`  ${s}${s === 'queued' ? ` (${sid})` : ''}`),
  });
  const ok = r.status === 'completed';
  if (o.json) {
    o.io.out(JSON.stringify({ service: id, dial: service.dial, ok, ...r }, null, 2) + '\n');
  } else if (ok) {
    say(
      `Completed: ${id} answered${r.durationSeconds !== undefined ? ` (${r.durationSeconds} s)` : ''}. If a person there confirmed the number and the hours, record it in the directory: verified: "${brusselsDate(o.now)}" (and a verified_note).`,
    );
  } else if (r.timedOut) {
    say(
      `Not completed: still ${r.status} after the longest the call could take; it was ended. See the call ${r.sid} in the Twilio Console.`,
    );
  } else {
    say(`Not completed: ${r.status}: ${OUTCOME_HINTS[r.status] ?? ''}`.trimEnd());
  }
  return ok ? 0 : 1;
}
