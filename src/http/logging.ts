/**
 * Logs without personal data. The line logs the CallSid, the language, menu choices and
 * transfer outcomes; never a phone number. Two layers: the app never passes Twilio's body to
 * the logger, and every log line is scrubbed of phone-number fields all the same.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

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

export function createLogger(level = 'info', stream?: DestinationStream): Logger {
  return stream ? pino(loggerOptions(level), stream) : pino(loggerOptions(level));
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
