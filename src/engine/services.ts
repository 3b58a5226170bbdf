/** Which service the line puts a caller through to: open now, not failed in this call, in the
 * data's order for the caller's language, services with confirmed hours first. */
import type { Config, Lang, Service, Target } from '../config/types.js';
import { verificationOf } from '../time/verification.js';
import { ownEntry } from './types.js';

/** Hours from the source document, or confirmed by a person's test call recently enough
 * (settings.verify_max_age_days, as npm run preflight counts it). */
export function confirmed(service: Service, maxAgeDays: number, now: Date): boolean {
  if (service.hoursSource === 'document') return true;
  return verificationOf(service, maxAgeDays, now).status === 'current';
}

/** The failed list with `id` in it, once. */
export function withFailed(failed: readonly string[], id: string): readonly string[] {
  return failed.includes(id) ? failed : [...failed, id];
}

export class Services {
  /** What a caller who does not choose is put through to, in order: the safety net, then the
   * offers' targets, so the line never ends a call while someone could answer. */
  private readonly chain: readonly Target[];

  constructor(private readonly config: Config) {
    this.chain = [...config.flow.safetyNet, ...config.flow.offers.map((o) => o.target)];
  }

  get(id: string | undefined): Service | undefined {
    return ownEntry(this.config.services, id);
  }

  isOpen(service: Service, now: Date): boolean {
    return service.connect === 'say' || service.hours.isOpen(now);
  }

  /** A group's services for a language, confirmed ones first (a stable sort keeps the data's order). */
  order(group: string, lang: Lang, now: Date): Service[] {
    const g = ownEntry(this.config.flow.groups, group);
    if (!g) return [];
    const ids = ownEntry(g.byLang, lang) ?? g.order;
    const services = ids.map((id) => this.get(id)).filter((s): s is Service => s !== undefined);
    const days = this.config.settings.verifyMaxAgeDays;
    return services.sort((a, b) => Number(confirmed(b, days, now)) - Number(confirmed(a, days, now)));
  }

  /** The services a target stands for, in the order they are tried. */
  members(target: Target, lang: Lang, now: Date): Service[] {
    if (target.type === 'group') return this.order(target.group, lang, now);
    const s = this.get(target.service);
    return s ? [s] : [];
  }

  /** The first of a target's services that is open now and has not failed in this call. */
  pick(target: Target, lang: Lang, failed: readonly string[], now: Date): Service | undefined {
    return this.members(target, lang, now).find((s) => this.available(s, failed, now));
  }

  private available(service: Service, failed: readonly string[], now: Date): boolean {
    return !failed.includes(service.id) && this.isOpen(service, now);
  }

  /** The first of `services` a caller can be put through to now: dialled, open, not failed. */
  firstToPutThrough(services: readonly Service[], failed: readonly string[], now: Date): Service | undefined {
    return services.find((x) => x.connect === 'transfer' && this.available(x, failed, now));
  }

  /** The next service of the chain to put a caller through to, after those that failed. */
  next(lang: Lang, failed: readonly string[], now: Date): Service | undefined {
    for (const t of this.chain) {
      const s = this.firstToPutThrough(this.members(t, lang, now), failed, now);
      if (s) return s;
    }
    return undefined;
  }
}

/**
 * The service the fallback document puts callers through to, chosen once per configuration at
 * `now`: a safety-net service that transfers, preferably with no closure to come, then one
 * whose weekly hours are 24/7 (the loader checks there is one).
 */
export function fallbackService(config: Config, now: Date): Service | undefined {
  const services = new Services(config);
  const lang = config.flow.defaultLanguage;
  const candidates = config.flow.safetyNet
    .flatMap((t) => services.members(t, lang, now))
    .filter((s) => s.connect === 'transfer');
  return (
    candidates.find((s) => s.hours.alwaysOpen(now)) ??
    candidates.find((s) => s.hours.weeklyAlwaysOpen(now)) ??
    candidates[0]
  );
}
