/**
 * Twilio's request signature (X-Twilio-Signature), checked before any webhook runs, by the
 * `twilio` package's validateRequest alone (it also tries the URL with and without its port,
 * and knows how repeated parameters are signed).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { rejectTwiml } from '../call/twiml.js';
import type { RefusalLog } from './refusals.js';

const REJECT = rejectTwiml();

/** The algorithms Twilio signs with (X-Twilio-Webhooks-Signature-Settings); absent: HMAC_SHA1. */
const ALGORITHMS = new Set([webhooks.HMAC_SHA1, webhooks.HMAC_SHA256]);

export interface SignatureOptions {
  authToken: string;
  /** The public base URL Twilio calls (https://ivr.example.be); empty: rebuilt from the request. */
  publicBaseUrl?: string | undefined;
  /** Where a refusal is counted and logged in summary. */
  refusals: RefusalLog;
}

/** The URL Twilio signed: the configured public base + the path and query as received. */
export function signedUrl(request: FastifyRequest, publicBaseUrl: string | undefined): string {
  if (publicBaseUrl) return publicBaseUrl.replace(/\/+$/, '') + request.url;
  // protocol and host honour X-Forwarded-Proto/-Host only when Fastify trusts the proxy.
  return `${request.protocol}://${request.host}${request.url}`;
}

export function isValidTwilioRequest(request: FastifyRequest, authToken: string, publicBaseUrl?: string): boolean {
  const header = request.headers['x-twilio-signature'];
  if (typeof header !== 'string' || header.length === 0 || header.length > 512) return false;
  const settings = request.headers['x-twilio-webhooks-signature-settings'];
  const algorithm = webhooks.getSignatureAlgorithm(typeof settings === 'string' ? settings : undefined);
  // The library console.warn()s an unknown algorithm, with the header's text: refuse it here,
  // so nobody can write to the console through a header.
  if (!ALGORITHMS.has(algorithm.toUpperCase())) return false;
  const params = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  try {
    return webhooks.validateRequest(authToken, header, signedUrl(request, publicBaseUrl), params, algorithm);
  } catch {
    return false; // a URL or parameter the validator cannot even read is not Twilio's
  }
}

/**
 * The check that refuses (403) a webhook whose signature does not match: true when the request
 * is Twilio's; otherwise it has answered 403 and returns false. Synchronous, for the webhooks'
 * callback-style preHandler.
 */
export function signatureCheck(opts: SignatureOptions): (request: FastifyRequest, reply: FastifyReply) => boolean {
  const publicBaseUrl = opts.publicBaseUrl?.replace(/\/+$/, '') || undefined;
  return function checkSignature(request, reply) {
    if (isValidTwilioRequest(request, opts.authToken, publicBaseUrl)) return true;
    opts.refusals.refused('signature', request.log, {
      event: 'signature-rejected',
      msg: 'X-Twilio-Signature does not match: if this is Twilio, check PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN',
      fields: { path: request.url.split('?')[0] },
    });
    void reply.code(403).type('text/xml').send(REJECT);
    return false;
  };
}
