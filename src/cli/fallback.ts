/**
 * `npm run fallback`: prints the fallback TwiML document, to paste into a TwiML Bin set as the
 * Twilio number's fallback URL ("Primary handler fails"). It is the same document that
 * POST /voice/fallback serves and that the line answers on an internal error: bilingual,
 * the emergency numbers, a transfer to a 24/7 service. Static: it needs no server.
 *
 * Reads the same data as the line (HELPLINE_CONFIG, HELPLINE_MENUS, HELPLINE_PROMPTS), so an
 * operator's directory gives the operator's document. Print it again after changing the
 * directory, the menus' safety_net or the prompts, and paste it again.
 */
import { loadConfig } from '../config/load.js';
import { fallbackTwiml } from '../twiml.js';

const loaded = loadConfig({
  directory: process.env.HELPLINE_CONFIG || undefined,
  menus: process.env.HELPLINE_MENUS || undefined,
  prompts: process.env.HELPLINE_PROMPTS || undefined,
  hotlineNumber: process.env.HOTLINE_NUMBER?.trim() || undefined,
});
if (!loaded.ok) {
  process.stderr.write(`Cannot write the fallback document: the helpline's data has ${loaded.errors.length} problem(s):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(1);
}
const { config } = loaded;
if (!config.settings.hotlineNumber) {
  process.stderr.write(
    'Note: HOTLINE_NUMBER (or settings.hotline_number in the directory) is not set, so the fallback transfer shows the caller\'s own number to the 24/7 service. Set it to the helpline\'s number (E.164) and print this again to keep callers private.\n',
  );
}
process.stdout.write(fallbackTwiml(config) + '\n');
