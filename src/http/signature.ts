/**
 * Twilio's request signature (X-Twilio-Signature), checked before any webhook runs.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import webhooks from 'twilio/lib/webhooks/webhooks.js';
import { rejectTwiml } from '../call/twiml.js';

const REJECT = rejectTwiml();

/** The algorithms Twilio signs with (X-Twilio-Webhooks-Signature-Settings); absent: HMAC_SHA1. */
const ALGORITHMS = new Set([webhooks.HMAC_SHA1, webhooks.HMAC_SHA256]);

export interface SignatureOptions {
  authToken: string;
  /** The token as a KeyObject for the HMAC, made once (signatureCheck does). */
  key?: KeyObject;
  /** The public base URL Twilio calls (https://ivr.example.be); empty: rebuilt from the request. */
  publicBaseUrl?: string | undefined;
}

/** The URL Twilio signed: the configured public base + the path and query as received. */
export function signedUrl(request: FastifyRequest, publicBaseUrl: string | undefined): string {
  if (publicBaseUrl) return publicBaseUrl.replace(/\/+$/, '') + request.url;
  // protocol and host honour X-Forwarded-Proto/-Host only when Fastify trusts the proxy.
  return `${request.protocol}://${request.host}${request.url}`;
}

export function isValidTwilioRequest(request: FastifyRequest, opts: SignatureOptions): boolean {
  const header = request.headers['x-twilio-signature'];
  if (typeof header !== 'string' || header.length === 0 || header.length > 512) return false;
  const settings = request.headers['x-twilio-webhooks-signature-settings'];
  const algorithm = webhooks.getSignatureAlgorithm(typeof settings === 'string' ? settings : undefined);
  // The library console.warn()s an unknown algorithm, with the header's text: refuse it here,
  // so nobody can write to the console through a header.
  if (!ALGORITHMS.has(algorithm.toUpperCase())) return false;
  const params = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
  const url = signedUrl(request, opts.publicBaseUrl);
  if (signedAsReceived(opts.key ?? opts.authToken, header, url, params, algorithm)) return true;
  try {
    return webhooks.validateRequest(opts.authToken, header, url, params, algorithm);
  } catch {
    return false; // a URL or parameter the validator cannot even read is not Twilio's
  }
}

/**
 * The common case, checked first and cheaply: Twilio's signature of a form webhook is the
 * HMAC (SHA-1, or SHA-256 when the settings header says so), keyed with the auth token, of the
 * URL exactly as Twilio called it followed by every POST parameter's name and value, names
 * sorted (twilio's getExpectedTwilioSignature builds the same string). A match proves the
 * request is Twilio's: only the holder of the token can make it. Anything else (no match, a
 * repeated parameter) goes to twilio's validateRequest, which also tries the URL with and
 * without its port and in its normalised forms. Measured: docs/performance.md.
 */
export function signedAsReceived(
  authToken: string | KeyObject,
  header: string,
  url: string,
  params: Record<string, unknown>,
  algorithm: string,
): boolean {
  const name = algorithm.toUpperCase();
  if (!ALGORITHMS.has(name)) return false;
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (typeof value !== 'string') return false;
    data += key + value;
  }
  const expected = Buffer.from(
    createHmac(name === webhooks.HMAC_SHA256 ? 'sha256' : 'sha1', authToken)
      .update(data)
      .digest('base64'),
  );
  // Compared as twilio compares: the base64 text, in constant time.
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The check that refuses (403) a webhook whose signature does not match: true when the request
 * is Twilio's; otherwise it has answered 403 and returns false. Synchronous, for the webhooks'
 * callback-style preHandler (callback hooks, not async hooks: docs/architecture.md).
 */
export function signatureCheck(opts: SignatureOptions): (request: FastifyRequest, reply: FastifyReply) => boolean {
  const checked: SignatureOptions = {
    authToken: opts.authToken,
    key: createSecretKey(Buffer.from(opts.authToken, 'utf8')),
    publicBaseUrl: opts.publicBaseUrl?.replace(/\/+$/, '') || undefined,
  };
  return function checkSignature(request, reply) {
    if (isValidTwilioRequest(request, checked)) return true;
    request.log.warn(
      { event: 'signature-rejected', path: request.url.split('?')[0] },
      'X-Twilio-Signature does not match: if this is Twilio, check PUBLIC_BASE_URL and TWILIO_AUTH_TOKEN',
    );
    void reply.code(403).type('text/xml').send(REJECT);
    return false;
  };
}
