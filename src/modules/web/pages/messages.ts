import { EN, type MessageKey } from './messages.en';

/** The languages the pages are written in; the first is the fallback. */
const CATALOGUES: Record<string, Record<MessageKey, string>> = { en: EN };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export interface PageLanguage {
  lang: string;
  t: Translate;
}

/**
 * The catalogue for the first of `preferences` (a user's locale, then the browser's
 * Accept-Language) that we have, else English: `lang` is always the language the text is in.
 */
export function languageFor(preferences: (string | null | undefined)[]): PageLanguage {
  const lang = preferences
    .filter((tag): tag is string => !!tag)
    .map((tag) => tag.toLowerCase().split(/[-_]/)[0])
    .find((base) => base in CATALOGUES) ?? 'en';
  const catalogue = CATALOGUES[lang];
  return {
    lang,
    t: (key, values = {}) => catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)),
  };
}

/** The languages of an Accept-Language header, most preferred first. */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q ? Number(q) : 1 };
    })
    .filter((entry) => entry.tag && entry.tag !== '*' && entry.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((entry) => entry.tag);
}
