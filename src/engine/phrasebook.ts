/** How the line says keys, numbers and times: the parts of speech built from data. */
import type { Config, Lang, Service } from '../config/types.js';
import { calendarDaysBetween } from '../time/hours.js';
import { fill } from '../call/placeholders.js';
import { dayOfMonthKey, hourKey } from '../config/prompts.js';
import type { Speech } from './types.js';

export function speech(lang: Lang, key: string, vars?: Record<string, string>): Speech {
  return vars ? { lang, key, vars } : { lang, key };
}

export class Phrasebook {
  constructor(private readonly config: Config) {}

  /** The languages to speak to a caller in: the one chosen, or, for a caller who chose none,
   * every language of the greeting (in its order). */
  langs(lang: Lang | undefined): readonly Lang[] {
    return lang === undefined ? this.config.flow.greeting : [lang];
  }

  /** `say` in each language of `langs(lang)`, grouped by language (one voice after the other). */
  each(lang: Lang | undefined, say: (lang: Lang) => Speech | Speech[]): Speech[] {
    return this.langs(lang).flatMap(say);
  }

  /** Speech for a caller who chose none, regrouped so that each language is said whole, in the
   * greeting's order (one voice, then the next), not sentence by sentence in turn. */
  grouped(lang: Lang | undefined, say: Speech[]): Speech[] {
    if (lang !== undefined) return say;
    const order = this.config.flow.greeting;
    return order.flatMap((l) => say.filter((s) => s.lang === l));
  }

  text(lang: Lang, key: string, vars?: Record<string, string>): string {
    return fill(this.config.prompts[lang]?.prompts[key] ?? '', vars);
  }

  /** Digits as they are; * and # by their word in the language. */
  keyName(lang: Lang, key: string): string {
    if (key === '*') return this.text(lang, 'key-star');
    if (key === '#') return this.text(lang, 'key-hash');
    return key;
  }

  name(lang: Lang, service: Service): string {
    return service.name[lang] ?? service.id;
  }

  /** "On Monday at 9", "tomorrow", "on 4 January at 9": a week or more away, the date; at
   * midnight, the day alone. `keys` names the prompts for a time and for a day alone. */
  when(lang: Lang, now: Date, next: Date, keys: { at: string; day: string }): Speech {
    const days = calendarDaysBetween(now, next);
    const day =
      days === 0
        ? this.text(lang, 'today')
        : days === 1
          ? this.text(lang, 'tomorrow')
          : days < 7
            ? this.text(lang, `day-${next.getDay()}`)
            : this.text(lang, 'date', {
                day: this.dayOfMonth(lang, next.getDate()),
                month: this.text(lang, `month-${next.getMonth() + 1}`),
              });
    if (next.getHours() === 0 && next.getMinutes() === 0) return speech(lang, keys.day, { day });
    return speech(lang, keys.at, { day, time: this.time(lang, next) });
  }

  /** A day of the month in a date: the language's own word for it when it has one ("1er" in
   * "le 1er janvier"), else the number. */
  dayOfMonth(lang: Lang, day: number): string {
    const own = dayOfMonthKey(day);
    return this.config.prompts[lang]?.prompts[own] !== undefined ? this.text(lang, own) : String(day);
  }

  /** A clock time as the language says it: the pattern is the language's own (time-hour,
   * time-hour-minute), picking from the 24-hour or 12-hour forms (clockVars); on the hour, the
   * language's own word for that hour first when it has one ("midi", "1 heure", "midnight"). */
  time(lang: Lang, at: Date): string {
    const vars = clockVars(at.getHours(), at.getMinutes(), (key) => this.text(lang, key));
    if (at.getMinutes() !== 0) return this.text(lang, 'time-hour-minute', vars);
    const own = hourKey(at.getHours());
    return this.text(lang, this.config.prompts[lang]?.prompts[own] !== undefined ? own : 'time-hour', vars);
  }
}

/**
 * The forms of a clock time a language's time patterns pick from: {hour} (0-23), {hour12}
 * (1-12), {minute} ("5"), {minute2} ("05"), {period} (the language's time-am or time-pm).
 * 17:00 is "17 heures", "17 uur", "5 pm"; 13:05 "13 heures 5", "13 uur 5", "1:05 pm".
 */
export function clockVars(hour: number, minute: number, word: (key: string) => string): Record<string, string> {
  return {
    hour: String(hour),
    hour12: String(hour % 12 === 0 ? 12 : hour % 12),
    minute: String(minute),
    minute2: String(minute).padStart(2, '0'),
    period: word(hour < 12 ? 'time-am' : 'time-pm'),
  };
}

/**
 * A number as a caller should hear it to dial it: the national form (+3242324030 becomes
 * 042324030), in groups of two digits from the end ("0 42 32 40 30", "17 12"); three digits
 * or fewer stay whole ("101").
 */
export function spokenNumber(dial: string): string {
  const digits = dial.startsWith('+32') ? `0${dial.slice(3)}` : dial.replace(/^\+/, '');
  if (digits.length <= 3) return digits;
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 2) groups.unshift(digits.slice(Math.max(0, end - 2), end));
  return groups.join(' ');
}
