/** Which service the line puts a caller through to: open now, not failed in this call, in the
 * data's order for the caller's language, services with confirmed hours first. */
import type { Config, Lang, Service, Target } from '../config/types.js';
import { own } from './types.js';

/** Hours from the source document, or confirmed by a person's test call. */
export function confirmed(service: Service): boolean {
  return service.verified !== undefined || service.hoursSource === 'document';
}

export class Services {
  constructor(private readonly config: Config) {}

  get(id: string | undefined): Service | undefined {
    return own(this.config.services, id);
  }

  isOpen(service: Service, now: Date): boolean {
    return service.connect === 'say' || service.hours.isOpen(now);
  }

  /** A group's services for a language, confirmed ones first (a stable sort keeps the data's order). */
  order(group: string, lang: Lang): Service[] {
    const g = own(this.config.flow.groups, group);
    if (!g) return [];
    const ids = own(g.byLang, lang) ?? g.order;
    const services = ids.map((id) => this.get(id)).filter((s): s is Service => s !== undefined);
    return services.sort((a, b) => Number(confirmed(b)) - Number(confirmed(a)));
  }

  /** The services a target stands for, in the order they are tried. */
  members(target: Target, lang: Lang): Service[] {
    if (target.type === 'group') return this.order(target.group, lang);
    const s = this.get(target.service);
    return s ? [s] : [];
  }

  /** The first of a target's services that is open now and has not failed in this call. */
  pick(target: Target, lang: Lang, failed: readonly string[], now: Date): Service | undefined {
    return this.members(target, lang).find((s) => !failed.includes(s.id) && this.isOpen(s, now));
  }

  /** The safety net's next service, after those that failed. */
  next(lang: Lang, failed: readonly string[], now: Date): Service | undefined {
    for (const t of this.config.flow.safetyNet) {
      const s = this.pick(t, lang, failed, now);
      if (s) return s;
    }
    return undefined;
  }
}
