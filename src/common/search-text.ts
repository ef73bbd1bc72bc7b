/**
 * Normalises text for name search: accents removed (NFD without combining marks), lower case,
 * punctuation such as apostrophes and hyphens dropped, spaces collapsed. "O'Brien-Zoë" → "obrienzoe".
 * The same function runs on stored names and on the `q` parameter, so "obrien" finds "O'Brien".
 */
export function normalizeSearchText(...parts: Array<string | null | undefined>): string | null {
  const text = parts
    .filter((p): p is string => !!p)
    .join(' ')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`\-.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return text || null;
}
