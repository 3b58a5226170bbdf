/**
 * `npm run fallback`: prints the fallback TwiML document, to paste into a TwiML Bin set as the
 * Twilio number's fallback URL ("Primary handler fails"). It is the same document that
 * POST /voice/fallback serves and that the line answers on an internal error: bilingual,
 * the emergency numbers, a transfer to a 24/7 service. Static: it needs no server.
 *
 * Reads the same data as the line (HELPLINE_CONFIG, HELPLINE_MENUS, HELPLINE_PROMPTS), so an
 * operator's directory gives the operator's document. Print it again after changing the
 * directory, the menus' safety_net or the prompts, and paste it again.
 *
 * It also records what it printed (src/cli/fallback-record.ts), so `npm run preflight` can say
 * when the data changed since.
 */
import { loadConfig } from '../config/load.js';
import { fallbackTwiml } from '../call/twiml.js';
import { displayPath, envPaths } from './common.js';
import { fallbackRecordPath, writeFallbackRecord } from './fallback-record.js';

export interface FallbackIO {
  out(text: string): void;
  err(text: string): void;
}

/** `npm run fallback`; resolves with the exit status. */
export async function fallbackCli(
  io: FallbackIO,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): Promise<number> {
  const loaded = loadConfig(envPaths(env));
  if (!loaded.ok) {
    io.err(
      `Cannot write the fallback document: the helpline's data has ${loaded.errors.length} problem(s):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`,
    );
    return 1;
  }
  const { config } = loaded;
  if (!config.settings.hotlineNumber) {
    io.err(
      "Note: HOTLINE_NUMBER (or settings.hotline_number in the directory) is not set, so the fallback transfer shows the caller's own number to the 24/7 service. Set it to the helpline's number (E.164) and print this again to keep callers private.\n",
    );
  }
  const doc = fallbackTwiml(config, now);
  io.out(doc + '\n');
  const path = fallbackRecordPath(env);
  try {
    writeFallbackRecord(path, doc, config, now);
    io.err(`Recorded for npm run preflight in ${displayPath(path)}.\n`);
  } catch (err) {
    // The document is printed all the same; only preflight's check is lost.
    io.err(
      `Note: could not record the printout in ${displayPath(path)} (${(err as NodeJS.ErrnoException).code ?? String(err)}): npm run preflight will say the fallback document was not printed. Set FALLBACK_RECORD to a writable file.\n`,
    );
  }
  return 0;
}
