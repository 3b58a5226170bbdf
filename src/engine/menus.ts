/** The menus as the caller hears them: the language choice and the data's menus. */
import type { Config, Lang } from '../config/types.js';
import { LANGUAGE_MENU, ownEntry, type Speech, type Step } from './types.js';
import { HoursWords } from './hours-words.js';
import { speech, type Phrasebook } from './phrasebook.js';

export class Menus {
  private readonly hours: HoursWords;

  constructor(
    private readonly config: Config,
    private readonly phrases: Phrasebook,
  ) {
    this.hours = new HoursWords(config, phrases);
  }

  private get flow() {
    return this.config.flow;
  }

  /** The language choice: with the greeting (the emergency numbers in every greeting language) on the first time. */
  language(o: { tries: number; greeting: boolean; failed: readonly string[]; prefix: Speech[] }): Step {
    const say = [...o.prefix];
    if (o.greeting) for (const lang of this.flow.greeting) say.push(speech(lang, 'greeting'));
    for (const { id: lang, key } of this.flow.languages)
      say.push(speech(lang, 'choose-language', { key: this.phrases.keyName(lang, key) }));
    return {
      kind: 'gather',
      say,
      state: { menu: LANGUAGE_MENU, tries: o.tries, failed: o.failed },
      timeout: this.flow.gatherTimeout,
    };
  }

  /** A menu of the data: its intro, its options, its footer; a prefix ("wrong key") before. */
  menu(o: {
    lang: Lang;
    menu: string;
    tries: number;
    failed: readonly string[];
    prefix?: Speech[];
    intro?: boolean;
  }): Step {
    const menu = ownEntry(this.flow.menus, o.menu) ?? this.flow.menus.main!;
    const prefix = o.prefix ?? [];
    const intro = o.intro ?? true;
    const { lang } = o;
    const keys = this.flow.keys;
    const vars = {
      repeat: this.phrases.keyName(lang, keys.repeat),
      back: this.phrases.keyName(lang, keys.back),
      language: this.phrases.keyName(lang, keys.language),
    };
    const say = [...prefix];
    // The hours a prompt states come from the directory ({hours:ID}).
    const withHours = (k: string) => speech(lang, k, { ...vars, ...this.hours.vars(lang, k) });
    if (intro) for (const k of menu.say) say.push(withHours(k));
    for (const opt of menu.options)
      if (opt.say) say.push(speech(lang, opt.say, { key: this.phrases.keyName(lang, opt.key) }));
    if (intro) for (const k of menu.footer) say.push(withHours(k));
    return {
      kind: 'gather',
      say,
      state: { lang, menu: menu.id, tries: o.tries, failed: o.failed },
      timeout: this.flow.gatherTimeout,
    };
  }
}
