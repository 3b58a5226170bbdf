/** What the built-in data promises a caller (the README's menu), written out by hand, not read
 * from the data, so a test fails when the data drifts from the promise. Keys are those pressed
 * after the language choice: the same in every language. */

/** Every service the line puts a caller through to, the keys that reach it, the number dialled. */
export const SERVICES: ReadonlyArray<{ id: string; keys: string[]; dial: string }> = [
  { id: 'pag-asa', keys: ['2', '1'], dial: '+3225116464' },
  { id: 'payoke', keys: ['2', '2'], dial: '+3232011690' },
  { id: 'surya', keys: ['2', '3'], dial: '+3242324030' },
  { id: 'care-brussels', keys: ['3', '1'], dial: '+3225354542' },
  { id: 'care-ghent', keys: ['3', '2'], dial: '+3293328080' },
  { id: 'care-liege', keys: ['3', '3'], dial: '+3243679311' },
  { id: 'violence-line', keys: ['4'], dial: '1712' },
];

/** The number each service of SERVICES dials. */
export function dialOf(id: string): string {
  const s = SERVICES.find((x) => x.id === id);
  if (!s) throw new Error(`no promised service ${id}`);
  return s.dial;
}

/** The police: its number said at once, nothing dialled (Twilio cannot dial 101). */
export const POLICE = { id: 'police', keys: ['5'], said: '101' } as const;

/** "Speak to someone now": the first specialised centre whose hours are confirmed (Sürya), at
 * any hour and in every language, until PAG-ASA's and Payoke's night lines are confirmed. */
export const SPEAK_NOW = { keys: ['1'], id: 'surya' } as const;

/** Information: its key in the main menu, its five sections, and each section's own keys. */
export const INFO = {
  keys: ['6'],
  sections: ['1', '2', '3', '4', '5'],
  centreNow: '1',
  otherTopic: '2',
  again: '3',
} as const;

/** The offers after a closed service, a failed transfer or the police's number: each key means
 * what it means in the main menu (1 a specialised centre, 3 a care centre, 4 1712, 5 police). */
export const OFFER_KEYS = { centres: '1', care: '3', violenceLine: '4', police: '5' } as const;

/** The order the line tries services in for a caller who does not choose (the safety net), and
 * in each group's offer: Sürya first (the only centre with confirmed night hours), then the
 * caller's language's own order; Dutch speakers first to Dutch-speaking services. */
export function safetyNet(lang: string): string[] {
  return lang === 'nl'
    ? ['surya', 'payoke', 'pag-asa', 'care-ghent', 'care-brussels', 'care-liege']
    : ['surya', 'pag-asa', 'payoke', 'care-brussels', 'care-liege', 'care-ghent'];
}

/** Said when nobody can be reached: 1712's number, in groups of two digits (Sürya's when 1712
 * failed during the call). */
export const CALLBACK = [
  { id: 'violence-line', said: '17 12' },
  { id: 'surya', said: '0 42 32 40 30' },
] as const;
