/**
 * A service's usual hours in words, from the directory ({hours:ID} in a menu's prompts): "day
 * and night", "on working days, from 9 to 5". Each piece is a prompt of the language (hours-*,
 * weekday-N), the times are said as the line says every time (Phrasebook.time).
 */
import type { Config, Lang } from '../config/types.js';
import { HOURS_PLACEHOLDER, placeholders } from '../call/placeholders.js';
import type { DayRun, Span, Week } from '../time/weekly.js';
import type { Phrasebook } from './phrasebook.js';

const WORKING_DAYS = '1,2,3,4,5';

export class HoursWords {
  private readonly said = new Map<string, string>();

  constructor(
    private readonly config: Config,
    private readonly phrases: Phrasebook,
  ) {}

  /** The values of the {hours:ID} placeholders of prompt `key` in `lang`. */
  vars(lang: Lang, key: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const p of placeholders(this.config.prompts[lang]?.prompts[key] ?? ''))
      if (p.startsWith(HOURS_PLACEHOLDER)) out[p] = this.hours(lang, p.slice(HOURS_PLACEHOLDER.length));
    return out;
  }

  /** The usual hours of service or group `id` in words ('' when unknown: the loader refuses that). */
  hours(lang: Lang, id: string): string {
    const k = `${lang}\u0000${id}`;
    let text = this.said.get(k);
    if (text === undefined) {
      const week = Object.hasOwn(this.config.usualWeeks, id) ? this.config.usualWeeks[id] : undefined;
      text = week ? this.week(lang, week) : '';
      this.said.set(k, text);
    }
    return text;
  }

  private week(lang: Lang, week: Week): string {
    if (week.kind === 'always') return this.phrases.text(lang, 'hours-always');
    if (week.kind === 'never') return this.phrases.text(lang, 'hours-never');
    if (week.kind === 'unsaid') return '';
    const working = week.holidaysOff && week.runs.length === 1 && week.runs[0]!.days.join(',') === WORKING_DAYS;
    const text = this.and(
      lang,
      week.runs.map((run) =>
        this.phrases.text(lang, 'hours-group', {
          days: working ? this.phrases.text(lang, 'hours-working-days') : this.days(lang, run),
          times: this.spans(lang, run.spans),
        }),
      ),
    );
    return week.holidaysOff && !working ? this.phrases.text(lang, 'hours-except-holidays', { hours: text }) : text;
  }

  private days(lang: Lang, run: DayRun): string {
    const day = (d: number) => this.phrases.text(lang, `weekday-${d}`);
    if (run.days.length === 7) return this.phrases.text(lang, 'hours-every-day');
    if (run.days.length === 1) return this.phrases.text(lang, 'hours-day', { day: day(run.days[0]!) });
    return this.phrases.text(lang, 'hours-days', { first: day(run.days[0]!), last: day(run.days.at(-1)!) });
  }

  private spans(lang: Lang, spans: Span[]): string {
    if (spans.length === 1 && spans[0]!.from === 0 && spans[0]!.to === 1440)
      return this.phrases.text(lang, 'hours-always');
    const at = (m: number) => this.phrases.time(lang, new Date(2000, 0, 3, Math.floor(m / 60), m % 60));
    return this.and(
      lang,
      spans.map((s) => this.phrases.text(lang, 'hours-span', { from: at(s.from), to: at(s.to) })),
    );
  }

  /** "a and b", "a, b and c". */
  private and(lang: Lang, parts: string[]): string {
    if (parts.length <= 1) return parts[0] ?? '';
    return this.phrases.text(lang, 'hours-and', { first: parts.slice(0, -1).join(', '), second: parts.at(-1)! });
  }
}
