/**
 * Refused requests (a forged signature, a malformed request, ...): each one counted in the
 * metrics, logged in summary. A flood of forged requests once wrote a warning line each (74,000
 * lines in 5 s); now a kind of refusal writes its first line at once, then at most one line per
 * window with how many more came in it.
 */
import type { FastifyBaseLogger } from 'fastify';

/** The window of the summary: at most one line per kind of refusal this often. */
export const REFUSAL_LOG_WINDOW_MS = 5_000;

/** What one kind of refusal says in the log: its event name and message, and its fields
 * (never anything a caller or a forger chose beyond a path or a code). */
export interface RefusalLine {
  event: string;
  msg: string;
  fields?: Record<string, unknown>;
}

interface Window {
  /** Refusals since the last line, not yet logged. */
  unlogged: number;
  /** The last one's line and logger, for the line at the window's end. */
  last: RefusalLine;
  log: FastifyBaseLogger;
  timer: NodeJS.Timeout | undefined;
}

export class RefusalLog {
  private readonly windows = new Map<string, Window>();

  constructor(
    /** Counts each refusal (the metrics). */
    private readonly count: (kind: string) => void,
    private readonly windowMs = REFUSAL_LOG_WINDOW_MS,
  ) {}

  /** A request of kind `kind` was refused: count it; log it, or leave it to the window's line. */
  refused(kind: string, log: FastifyBaseLogger, line: RefusalLine): void {
    this.count(kind);
    const w = this.windows.get(kind);
    if (w) {
      w.unlogged++;
      w.last = line;
      w.log = log;
      return;
    }
    write(log, kind, line, 1);
    const opened: Window = { unlogged: 0, last: line, log, timer: undefined };
    this.windows.set(kind, opened);
    opened.timer = setTimeout(() => this.close(kind), this.windowMs);
    opened.timer.unref(); // never keeps the process alive
  }

  /** Writes what the windows still hold (on stopping) and forgets them. */
  flush(): void {
    for (const kind of [...this.windows.keys()]) this.close(kind, false);
  }

  private close(kind: string, reopen = true): void {
    const w = this.windows.get(kind);
    if (!w) return;
    clearTimeout(w.timer);
    this.windows.delete(kind);
    if (w.unlogged === 0) return;
    write(w.log, kind, w.last, w.unlogged);
    if (!reopen) return;
    // Refusals go on: a new window, so the next line is again at most one per window.
    const next: Window = { unlogged: 0, last: w.last, log: w.log, timer: undefined };
    this.windows.set(kind, next);
    next.timer = setTimeout(() => this.close(kind), this.windowMs);
    next.timer.unref();
  }
}

function write(log: FastifyBaseLogger, kind: string, line: RefusalLine, count: number): void {
  log.warn({ event: line.event, refusal: kind, count, ...line.fields }, line.msg);
}
