/**
 * Logs without personal data. The line logs the CallSid, the language, menu choices and
 * transfer outcomes; never a phone number. Two layers: the app never passes Twilio's body to
 * the logger, and every log line is scrubbed of phone-number fields all the same.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import sonicBoom from 'sonic-boom';

// A CommonJS module: its class is a property of what it exports, for Node and TypeScript alike.
const { SonicBoom } = sonicBoom;

/** Twilio parameters that carry a phone number (or a caller's name). */
const PERSONAL_KEY =
  /^(From|To|Caller|Called|ForwardedFrom|CallerName|CalledVia)$|Number$|^(From|To|Caller|Called)(City|State|Zip|Country)$/;

function scrub(value: unknown, depth: number): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // requests, errors: their serializers decide
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = PERSONAL_KEY.test(k) ? '[redacted]' : scrub(v, depth + 1);
  }
  return out;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: null,
    formatters: {
      log: (obj) => scrub(obj, 0) as Record<string, unknown>,
    },
    serializers: {
      // Only what identifies the webhook: no query string, headers, addresses or body.
      req: (req: { method?: string; url?: string; id?: string }) => ({
        method: req.method,
        path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/** Log lines kept in memory while stdout cannot take them; past that they are dropped (and counted). */
export const LOG_BUFFER_MAX_BYTES = 4 * 1024 * 1024;
/** At exit, how long the last lines may wait for a stalled stdout before they are given up. */
export const EXIT_FLUSH_MS = 500;

let dropped = 0;
let stdout: InstanceType<typeof SonicBoom> | undefined;

/** Log lines given up so far in this process (stdout's reader gone, or too slow). */
export function droppedLogLines(): number {
  return dropped;
}

/**
 * stdout as the log's destination, never blocking the line: writes are asynchronous into a
 * bounded buffer; a reader that stops reading fills it and later lines are dropped (counted);
 * a reader that has gone (EPIPE, or any write error) stops the logging. At exit the buffer is
 * written within EXIT_FLUSH_MS, then given up, so a stalled or vanished reader never keeps the
 * process from ending (pino's default destination retried its exit flush forever).
 */
export function stdoutDestination(): DestinationStream {
  if (stdout) return stdout;
  let exitDeadline = Number.POSITIVE_INFINITY;
  const dest = new SonicBoom({
    // Reading process.stdout.fd sets up Node's stdout, which makes a pipe non-blocking: a
    // write to a stalled reader then fails with EAGAIN instead of blocking the process.
    fd: process.stdout.fd,
    sync: false,
    maxLength: LOG_BUFFER_MAX_BYTES,
    // Retried later (by a timer, never blocking) while running; at exit, only until the deadline.
    retryEAGAIN: () => performance.now() < exitDeadline,
  });
  dest.on('drop', () => dropped++);
  dest.on('error', () => {
    // Nothing more can be written: count each line instead of buffering it forever.
    dropped++;
    dest.write = () => {
      dropped++;
      return true;
    };
    dest.flushSync = () => undefined;
  });
  process.on('exit', () => {
    exitDeadline = performance.now() + EXIT_FLUSH_MS;
    try {
      dest.flushSync();
    } catch {
      // EPIPE, or EAGAIN past the deadline: the last lines are lost, the process still ends.
    }
  });
  stdout = dest;
  return dest;
}

export function createLogger(level = 'info', stream?: DestinationStream): Logger {
  return pino(loggerOptions(level), stream ?? stdoutDestination());
}

/**
 * Fastify's own line per request ("incoming request", "request completed") at debug instead of
 * info: at info the log is the call record (the 'flow' events, warnings and errors), and two
 * more lines per webhook would double or triple it. A request that errs is still logged at error.
 */
export class RequestLogsAtDebug extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
