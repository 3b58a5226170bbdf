/**
 * The two checks of `npm run preflight` that ask Twilio's REST API, through the `twilio`
 * package: one short test call to a service (--call, src/cli/test-call.ts), and where the
 * helpline's number sends its calls (--twilio, src/cli/number-check.ts). Loaded only for
 * those options: the REST client is slow to load.
 */
import { UsageError } from './common.js';
import { numberCommand } from './number-check.js';
import { testCallCommand } from './test-call.js';
import { type RemoteCommand, restClient } from './twilio-rest.js';

/** `--call SERVICE` or `--twilio`; resolves with the exit status. */
export async function runTwilioCheck(o: RemoteCommand): Promise<number> {
  const client = restClient(o.env, o.sleep);
  try {
    return o.call !== undefined ? await testCallCommand(o, o.call, client) : await numberCommand(o, client);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as { status?: number; code?: number | string; message?: string };
    const hint = e.status === 401 ? ': check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN' : '';
    o.io.err(
      `Twilio's API refused the request${e.status ? ` (HTTP ${e.status}${e.code ? `, error ${e.code}` : ''})` : ''}: ${e.message ?? String(err)}${hint}\n`,
    );
    return 1;
  }
}
