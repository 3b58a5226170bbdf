/** What the built-in data promises a caller (the README's menu): every service and the keys
 * that reach it after the language choice, with the number dialled. Written out by hand, not
 * read from the data, so a test fails when the data drifts from the promise. */
export const SERVICES: ReadonlyArray<{ keys: string[]; dial: string }> = [
  { keys: ['1'], dial: '101' },
  { keys: ['2', '1'], dial: '+3225116464' },
  { keys: ['2', '2'], dial: '+3232011690' },
  { keys: ['2', '3'], dial: '+3242324030' },
  { keys: ['3'], dial: '1712' },
  { keys: ['5', '1'], dial: '+3225354542' },
  { keys: ['5', '2'], dial: '+3293328080' },
  { keys: ['5', '3'], dial: '+3243679311' },
];
