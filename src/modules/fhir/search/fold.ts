/**
 * The accent table of the SQL function `fhir_fold` (migration 1795600000200-FhirSearchIndexes):
 * each character of FROM becomes the character at the same place in TO. Both sides must agree,
 * or a folded search value would not match the folded index.
 */
const FROM = 'àáâãäåāăąçćčďèéêëēėęěìíîïīįľłñńňòóôõöøōőŕřśšşťùúûüūůűųýÿžźż';
const TO = 'aaaaaaaaacccdeeeeeeeeiiiiiillnnnoooooooorrssstuuuuuuuuyyzzz';
const MAP = new Map([...FROM].map((c, i) => [c, TO[i]]));

/**
 * Folds text for FHIR string search (http://hl7.org/fhir/R4/search.html#string: case- and
 * accent-insensitive): lower case, then the Latin accents of {@link FROM} removed, exactly as
 * the SQL `fhir_fold(text)` does. "Müller" → "muller".
 */
export function fold(value: string): string {
  return [...value.toLowerCase()].map((c) => MAP.get(c) ?? c).join('');
}

/** Escapes LIKE's wildcards (`%`, `_`) and its escape character so a value matches literally. */
export function escapeLike(value: string): string {
  return value.replace(/[%_\\]/g, (c) => `\\${c}`);
}
