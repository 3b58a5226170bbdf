/** Formats shared by the loader, the renderer, the metrics and the terminal tools: defined once. */

/** A phone number in E.164 form (+32...). */
export const E164 = /^\+[1-9]\d{6,14}$/;

/** One telephone key. */
export const KEY = /^[0-9*#]$/;

/** The line's time zone: opening hours and public holidays are Belgian. */
export const TIME_ZONE = 'Europe/Brussels';
