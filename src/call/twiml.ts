/**
 * The one place TwiML is produced: turns the engine's Steps into Twilio's XML with the
 * `twilio` package's builder (which escapes text and attributes).
 */
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { dialUrl, menuUrl, stateKey, whisperUrl, type WhisperState } from './call-state.js';
import type { Config, Lang, Service } from '../config/types.js';
import { E164 } from '../config/constants.js';
import { fallbackService } from '../engine/services.js';
import type { Speech, Step } from '../engine/types.js';
import { Whisper, type WhisperStep } from '../engine/whisper.js';
import { Phrasebook } from '../engine/phrasebook.js';
import { fill } from './placeholders.js';
import { sayText } from './ssml.js';

export interface RenderContext {
  /** Absolute base for URLs in the TwiML (PUBLIC_BASE_URL); empty: URLs relative to the host. */
  baseUrl: string;
  /** The call's To (the helpline's number) and From (the caller), for caller ID only. */
  to?: string | undefined;
  from?: string | undefined;
}

/** An empty document: on the answering leg of a transfer (the whisper's URL), it puts the
 * person who answered through to the caller at once. */
export function emptyTwiml(): string {
  return new VoiceResponse().toString();
}

/** The answer to a request whose signature does not match: Twilio never sends one. */
export function rejectTwiml(): string {
  const r = new VoiceResponse();
  r.reject();
  return r.toString();
}

/**
 * The fallback document: what `npm run fallback` prints for the number's fallback URL (a
 * TwiML Bin), what POST /voice/fallback serves, and what the line answers on an internal
 * error or a refused request. One function, so the three are the same bytes. `now`: when the
 * document is made (its transfer goes to the service the engine picks for that instant).
 */
export function fallbackTwiml(config: Config, now: Date): string {
  return new TwimlRenderer(config).safe(fallbackService(config, now));
}

/**
 * The test call of `npm run preflight -- --call SERVICE`, sent inline to Twilio's REST API:
 * the test-call prompt in each language of the greeting; for a service with a whisper, the
 * whisper its staff will hear before each call (an English-speaking caller, put through now),
 * in its staff language; then hang up.
 */
export function testCallTwiml(config: Config, service?: Service): string {
  return new TwimlRenderer(config).testCall(service);
}

export function audioPath(lang: Lang, key: string): string {
  return `/audio/${encodeURIComponent(lang)}/${encodeURIComponent(key)}.wav`;
}

type Sayer = Pick<VoiceResponse, 'say' | 'play'>;

/** Rendered answers kept at most; past that the cache starts again (time-dependent answers,
 * such as "it opens again on Monday at 9", make new ones over weeks). */
export const RENDER_CACHE_MAX = 2_000;

export class TwimlRenderer {
  /**
   * Rendered TwiML by everything the rendering reads (cacheKey): twilio's builder costs more
   * than the rest of a webhook, and without it POST /voice falls below its budget
   * (docs/performance.md). A Step's TwiML is a pure function of the Step, that context and this
   * renderer's config; what depends on the time is already in the Step. A new config gets a
   * new renderer, and a new cache.
   */
  private readonly cache = new Map<string, string>();
  /** A frozen Step is one the engine gives every call alike (the greeting): its TwiML is found
   * by identity, without building the content key (about 1 µs a render in-process; less CPU per
   * `POST /voice` in the bench, docs/performance.md). Not a transfer's, whose caller ID comes
   * from the request. */
  private readonly shared = new WeakMap<Step, { baseUrl: string; text: string }>();

  constructor(private readonly config: Config) {}

  /** The Step's TwiML, built once per distinct Step and context. */
  render(step: Step, ctx: RenderContext): string {
    const known = this.shared.get(step);
    if (known?.baseUrl === ctx.baseUrl) return known.text;
    const key = this.cacheKey(step, ctx);
    let text = this.cache.get(key);
    if (text === undefined) {
      text = this.build(step, ctx);
      if (this.cache.size >= RENDER_CACHE_MAX) this.cache.clear();
      this.cache.set(key, text);
    }
    if (Object.isFrozen(step) && step.kind !== 'dial') this.shared.set(step, { baseUrl: ctx.baseUrl, text });
    return text;
  }

  /** How many rendered answers the cache holds (for tests). */
  get cached(): number {
    return this.cache.size;
  }

  /**
   * Everything build() reads, as a string: the kind, the URLs' parts, the caller ID, every
   * speech with its filled-in values. Values come from the config and the engine, never from
   * what the caller sent (the To number only counts once checked as E.164, via callerId).
   */
  private cacheKey(step: Step, ctx: RenderContext): string {
    let k = `${step.kind}\u0000${ctx.baseUrl}`;
    if (step.kind === 'gather') k += `\u0000${stateKey(step.state)}\u0000${step.timeout}`;
    else if (step.kind === 'dial')
      k += `\u0000${stateKey(step.state)}\u0000${this.callerId(step.service, ctx) ?? ''}\u0000${step.whisper ? stateKey(step.whisper) : ''}`;
    for (const s of step.say) {
      k += `\u0001${s.lang}\u0000${s.key}`;
      if (s.vars) for (const name of Object.keys(s.vars)) k += `\u0000${name}\u0002${s.vars[name]}`;
    }
    return k;
  }

  private build(step: Step, ctx: RenderContext): string {
    const r = new VoiceResponse();
    switch (step.kind) {
      case 'gather': {
        const g = r.gather({
          input: ['dtmf'],
          numDigits: 1,
          timeout: step.timeout,
          // '#' is a key like any other here (a wrong one), not "end of input".
          finishOnKey: '',
          action: ctx.baseUrl + menuUrl(step.state),
          method: 'POST',
        });
        this.say(g, step.say, ctx);
        // Gather falls through on silence: tell the same menu it was silence.
        r.redirect({ method: 'POST' }, ctx.baseUrl + menuUrl(step.state, true));
        break;
      }
      case 'dial': {
        this.say(r, step.say, ctx);
        this.dial(r, step.service, ctx, ctx.baseUrl + dialUrl(step.state), step.whisper);
        break;
      }
      case 'hangup': {
        this.say(r, step.say, ctx);
        r.hangup();
        break;
      }
    }
    return r.toString();
  }

  /**
   * What the line answers when something inside it broke, and the number's fallback URL (a
   * TwiML Bin) when the line is down or overloaded: in every language, a technical problem
   * and the emergency numbers; then a transfer to the first safety-net service (24/7,
   * checked at start-up); then the emergency numbers again. Static: no call state, no URL of
   * this server (no <Play> of a recording, no action), so it works where the server does not.
   * The transfer shows settings.hotline_number, or the caller's own number when it is empty.
   */
  safe(service: Service | undefined): string {
    const r = new VoiceResponse();
    const ctx: RenderContext = { baseUrl: '' };
    const say: Speech[] = this.config.flow.greeting.flatMap((lang) => [
      { lang, key: 'error' },
      { lang, key: 'emergency' },
    ]);
    this.say(r, say, ctx, false);
    if (service) this.dial(r, service, ctx, undefined);
    this.say(
      r,
      this.config.flow.greeting.map((lang) => ({ lang, key: 'emergency' })),
      ctx,
      false,
    );
    r.hangup();
    return r.toString();
  }

  /** Spoken, never <Play>ed: the document goes to Twilio inline, with no server to fetch a recording from. */
  testCall(service?: Service): string {
    const r = new VoiceResponse();
    const say = this.config.flow.greeting.map((lang): Speech => ({ lang, key: 'test-call' }));
    if (service && service.whisper !== 'none') {
      const staff = service.staffLanguage;
      const sample = this.config.languages.includes('en') ? 'en' : this.config.flow.defaultLanguage;
      const whisper = new Whisper(this.config, new Phrasebook(this.config));
      say.push(
        { lang: staff, key: 'test-call-whisper' },
        ...whisper.speech(service, { lang: sample, why: 'now' }, service.whisper === 'confirm'),
      );
    }
    this.say(r, say, { baseUrl: '' }, false);
    r.hangup();
    return r.toString();
  }

  private dial(
    r: VoiceResponse,
    service: Service,
    ctx: RenderContext,
    action: string | undefined,
    whisper?: WhisperState,
  ): void {
    const callerId = this.callerId(service, ctx);
    const d = r.dial({
      ...(action ? { action, method: 'POST' } : {}),
      timeout: service.dialTimeout,
      ringTone: this.config.settings.ringTone as never,
      ...(callerId ? { callerId } : {}),
    });
    // The whisper runs on the answering leg once someone answers, before the caller is put
    // through; the caller hears the ring tone meanwhile (docs/architecture.md).
    const answered = whisper ? { url: ctx.baseUrl + whisperUrl(whisper), method: 'POST' as const } : {};
    if (service.dialKind === 'sip') d.sip(answered, service.dial);
    else d.number(answered, service.dial);
  }

  /**
   * The answering leg's TwiML (POST /voice/whisper and /voice/whisper/key): only the verbs
   * Twilio allows there (<Say>, <Play>, <Pause>, <Gather>, <Hangup>). An empty document puts
   * the caller through; <Hangup/> ends the answering leg, so the transfer is not bridged.
   * Always spoken (a recording could not say the caller's language).
   */
  whisper(step: WhisperStep, ctx: RenderContext): string {
    const r = new VoiceResponse();
    if (step.kind === 'decline') r.hangup();
    if (step.kind === 'whisper' && !step.confirm) this.say(r, step.say, ctx, false);
    if (step.kind === 'whisper' && step.confirm) {
      // Any key takes the call. No key: actionOnEmptyResult posts the time-out to the same
      // URL (counted there), which hangs up; the <Hangup/> after it is for a Gather that falls through.
      const g = r.gather({
        input: ['dtmf'],
        numDigits: 1,
        timeout: step.confirm.timeout,
        finishOnKey: '',
        actionOnEmptyResult: true,
        action: ctx.baseUrl + whisperUrl(step.confirm.state, true),
        method: 'POST',
      });
      this.say(g, step.say, ctx, false);
      r.hangup();
    }
    return r.toString();
  }

  /** hotline: the helpline's own number, so the service never sees the caller's. caller: no
   * callerId attribute, so Twilio passes the caller's own number (or "anonymous"). */
  private callerId(service: Service, ctx: RenderContext): string | undefined {
    if (service.callerId === 'caller') return undefined;
    const own = this.config.settings.hotlineNumber ?? (ctx.to && E164.test(ctx.to) ? ctx.to : undefined);
    return own;
  }

  /** Consecutive speech in one language becomes one <Say>; a recorded prompt is <Play>ed. */
  private say(target: Sayer, speech: Speech[], ctx: RenderContext, recorded = true): void {
    let run: { lang: Lang; parts: string[] } | undefined;
    const flush = () => {
      if (!run) return;
      const p = this.config.prompts[run.lang];
      if (p)
        sayText(
          target.say({ voice: p.voice as never, language: p.language as never }, ''),
          run.parts.join(' '),
          p.pronounce,
        );
      run = undefined;
    };
    for (const s of speech) {
      const catalog = this.config.prompts[s.lang];
      if (!catalog) continue;
      // The loader keeps recordings only of prompts without placeholders: the vars change nothing.
      if (recorded && catalog.audio.has(s.key)) {
        flush();
        target.play({}, ctx.baseUrl + audioPath(s.lang, s.key));
        continue;
      }
      const text = fill(catalog.prompts[s.key] ?? '', s.vars);
      if (!text) continue;
      if (run && run.lang !== s.lang) flush();
      run ??= { lang: s.lang, parts: [] };
      run.parts.push(text);
    }
    flush();
  }
}
