// The locale dates and numbers are written in: the chosen language, in the person's own
// variant of it where the system or browser prefers one (en-GB, de-AT). Set by index.ts
// whenever the language changes; read by format.ts and the words modules.
let current = 'en';

export const locale = (): string => current;

export function setLocale(tag: string): void {
  current = tag;
}
