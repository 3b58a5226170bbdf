/**
 * The process time zone. The opening_hours library reads a Date's local fields (getHours,
 * getDay), with no time-zone option (opening_hours.js issue #269), so the process that evaluates
 * hours must run in Europe/Brussels. Nothing sets it on import: each entry (the server, every
 * terminal tool, the test configuration) calls useBrusselsTime() first, and the loader refuses
 * to read hours in any other zone (HL_ERR_TIME_ZONE) rather than answer with the wrong hours.
 */
import { TIME_ZONE } from '../config/constants.js';

/** The process reads local time as Brussels time (Node re-reads TZ when it is set). */
export function useBrusselsTime(): void {
  process.env.TZ = TIME_ZONE;
  if (!inBrusselsTime()) throw new Error(`The ${TIME_ZONE} time zone is not available in this Node.js runtime.`);
}

/** True when local time is Brussels time (winter and summer offsets both checked). */
export function inBrusselsTime(): boolean {
  return (
    new Date(Date.UTC(2026, 6, 1, 12)).getHours() === 14 &&
    new Date(Date.UTC(2026, 0, 1, 12)).getHours() === 13 &&
    new Date(Date.UTC(2026, 2, 29, 1, 30)).getHours() === 3
  );
}
