/** The engine's words: Speech for a prompt, key names, the reopening time, the language offer. */
import type { Config, Lang } from '../config/types.js';
import { calendarDaysBetween } from '../hours.js';
import { fill } from '../placeholders.js';
import type { Speech } from './types.js';

export class Words {
  constructor(private readonly config: Config) {}

  speech(lang: Lang, key: string, vars?: Record<string, string>): Speech {
    return vars ? { lang, key, vars } : { lang, key };
  }

  /** How a key is said: digits as they are, * and # by their word in the language. */
  keyName(lang: Lang, key: string): string {
    if (key === '*') return this.text(lang, 'key-star');
    if (key === '#') return this.text(lang, 'key-hash');
    return key;
  }

  /** "It opens again on Monday at 9", "tomorrow", "on 4 January at 9", or "no reopening
   * planned". A week or more away, the date; at midnight, the day alone. */
  reopening(lang: Lang, now: Date, next: Date | undefined): Speech[] {
    if (!next) return [this.speech(lang, 'closed-until-further-notice')];
    const days = calendarDaysBetween(now, next);
    const day =
      days === 0
        ? this.text(lang, 'today')
        : days === 1
          ? this.text(lang, 'tomorrow')
          : days < 7
            ? this.text(lang, `day-${next.getDay()}`)
            : this.text(lang, 'date', { day: String(next.getDate()), month: this.text(lang, `month-${next.getMonth() + 1}`) });
    const hour = next.getHours();
    const minute = next.getMinutes();
    if (hour === 0 && minute === 0) return [this.speech(lang, 'reopens-day', { day })];
    const time =
      minute === 0
        ? this.text(lang, 'time-hour', { hour: String(hour) })
        : this.text(lang, 'time-hour-minute', { hour: String(hour), minute: String(minute) });
    return [this.speech(lang, 'reopens', { day, time })];
  }

  /** In a two-language line: the other language's offer to switch, said in that language. */
  switchOffer(lang: Lang): Speech[] {
    if (this.config.languages.length < 2) return [];
    const other = this.otherLanguage(lang);
    return [this.speech(other, 'choose-language', { key: this.keyName(other, this.config.flow.keys.switchLanguage) })];
  }

  otherLanguage(lang: Lang): Lang {
    const langs = this.config.languages;
    return langs[(langs.indexOf(lang) + 1) % langs.length] ?? lang;
  }

  private text(lang: Lang, key: string, vars?: Record<string, string>): string {
    return fill(this.config.prompts[lang]?.prompts[key] ?? '', vars);
  }
}
