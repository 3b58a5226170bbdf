/**
 * `npm run call`: a caller in the terminal. Starts the line in-process (app.inject: no port,
 * no Twilio account, no phone) and plays the caller's side exactly as Twilio does: signs every
 * request with a throwaway auth token, reads the TwiML, says what the line says, waits for
 * keys, follows <Gather> actions and <Redirect>s, and lets you choose how each <Dial> ends.
 *
 * It shares no call-flow logic with the line: only the command (call-command.ts) builds the
 * app; the caller (caller/: transcript, input, line, verbs, runner) knows only TwiML, an
 * import boundary in biome.json (noRestrictedImports). So it hears a flow bug instead of repeating it.
 */
export * from './call-command.js';
export {
  interactiveInput,
  scriptedInput,
  type CallerInput,
  type DialAnswer,
  type DialPrompt,
  type GatherPrompt,
  type KeyAnswer,
} from './caller/input.js';
export { DEFAULT_FROM, DEFAULT_TO, type LineUnderTest } from './caller/line.js';
export { DIAL_STATUSES, formatEvent, type CallEvent, type DialStatus } from './caller/transcript.js';
