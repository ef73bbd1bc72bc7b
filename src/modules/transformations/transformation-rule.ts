import { isSupportedCountry, parsePhoneNumberFromString, CountryCode } from 'libphonenumber-js';
import { compileExpression, CompiledExpression, ExpressionError } from './expression';

/** The kinds of transformation rule. */
export const RULE_TYPES = ['trim', 'case', 'phone_e164', 'date_format', 'value_map', 'default', 'regex_replace', 'expression'] as const;
export type RuleType = (typeof RULE_TYPES)[number];

/** A rule as stored and posted: applied to `field` (a dotted canonical path; arrays are walked, e.g. `telecom.value`). */
export interface TransformationRuleSpec {
  field: string;
  type: RuleType;
  params: Record<string, unknown>;
}

/** A bad rule: the parameter (`params.mode`…) and what is wrong. Thrown at creation (→ 400). */
export class RuleParamError extends Error {
  override readonly name = 'RuleParamError';
  constructor(readonly param: string, message: string) {
    super(`${param} ${message}`);
  }
}

/** A compiled rule: maps one value (its containing object given for context) to a new one. @throws Error on a record it cannot transform. */
export type ValueTransform = (value: unknown, parent: Record<string, unknown>, data: unknown, externalId: string) => Promise<unknown> | unknown;

const CASE_MODES = ['upper', 'lower', 'title'] as const;
const PHONE_SYSTEMS = new Set(['phone', 'fax', 'sms', 'pager']);
const DATE_TOKENS = /yyyy|MM|dd/g;
const MAX_PATTERN_CHARS = 500;

function str(params: Record<string, unknown>, name: string, required = true): string | undefined {
  const v = params[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !v) throw new RuleParamError(`params.${name}`, 'must be a non-empty string');
  return v;
}

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[\s\-'])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** `MM/dd/yyyy` → a regex with named groups, validated to hold each token once. */
function datePattern(format: string): RegExp {
  const seen = format.match(DATE_TOKENS) ?? [];
  if (seen.length !== 3 || new Set(seen).size !== 3) throw new RuleParamError('params.from', 'must hold yyyy, MM and dd once each (for example MM/dd/yyyy)');
  const groups: Record<string, string> = { yyyy: '(?<y>\\d{4})', MM: '(?<m>\\d{1,2})', dd: '(?<d>\\d{1,2})' };
  const escaped = format.split(DATE_TOKENS).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  let source = escaped[0];
  seen.forEach((token, i) => (source += groups[token] + escaped[i + 1]));
  return new RegExp(`^${source}$`);
}

/**
 * Compiles (and so validates) one rule. Params by type: `case` { mode: upper | lower | title };
 * `phone_e164` { defaultRegion: ISO 3166-1 alpha-2, e.g. 'US' } (E.164 after ITU-T, via
 * libphonenumber-js; in a ContactPoint only phone-like systems are touched; an unparseable
 * number fails the record); `date_format` { from: e.g. 'MM/dd/yyyy' } to `yyyy-MM-dd`;
 * `value_map` { map: {from: to}, fallback? }; `default` { value } when null or empty;
 * `regex_replace` { pattern, replacement?, flags? }; `expression` { expression: JSONata, with
 * `$` the value, `$record` the record's data, `$externalId` its source id }.
 * @throws RuleParamError naming the bad parameter.
 */
export function compileRule(rule: TransformationRuleSpec): ValueTransform {
  const params = rule.params ?? {};
  switch (rule.type) {
    case 'trim':
      return (v) => (typeof v === 'string' ? v.trim() : v);
    case 'case': {
      const mode = params.mode as (typeof CASE_MODES)[number];
      if (!CASE_MODES.includes(mode)) throw new RuleParamError('params.mode', `must be one of ${CASE_MODES.join(', ')}`);
      return (v) => (typeof v !== 'string' ? v : mode === 'upper' ? v.toUpperCase() : mode === 'lower' ? v.toLowerCase() : titleCase(v));
    }
    case 'phone_e164': {
      const region = str(params, 'defaultRegion')!.toUpperCase();
      if (!isSupportedCountry(region)) throw new RuleParamError('params.defaultRegion', 'is not a supported ISO 3166-1 alpha-2 region');
      return (v, parent) => {
        if (typeof v !== 'string' || (typeof parent.system === 'string' && !PHONE_SYSTEMS.has(parent.system))) return v;
        const phone = parsePhoneNumberFromString(v, region as CountryCode);
        if (!phone || !phone.isPossible()) throw new Error('phone_e164: the value is not a possible phone number');
        return phone.number;
      };
    }
    case 'date_format': {
      const re = datePattern(str(params, 'from')!);
      return (v) => {
        if (typeof v !== 'string' || !v) return v;
        const m = re.exec(v);
        if (!m?.groups) throw new Error('date_format: the value does not match params.from');
        const { y, m: mo, d } = m.groups;
        return `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
      };
    }
    case 'value_map': {
      const map = params.map;
      if (typeof map !== 'object' || map === null || Array.isArray(map) || !Object.keys(map).length) throw new RuleParamError('params.map', 'must be a non-empty object');
      const table = new Map(Object.entries(map as Record<string, unknown>));
      const hasFallback = 'fallback' in params;
      return (v) => (table.has(String(v)) ? table.get(String(v)) : hasFallback ? params.fallback : v);
    }
    case 'default':
      if (!('value' in params)) throw new RuleParamError('params.value', 'is required');
      return (v) => (v === null || v === undefined || v === '' ? params.value : v);
    case 'regex_replace': {
      const pattern = str(params, 'pattern')!;
      if (pattern.length > MAX_PATTERN_CHARS) throw new RuleParamError('params.pattern', `is longer than ${MAX_PATTERN_CHARS} characters`);
      const flags = str(params, 'flags', false) ?? 'g';
      const replacement = params.replacement ?? '';
      if (typeof replacement !== 'string') throw new RuleParamError('params.replacement', 'must be a string');
      let re: RegExp;
      try {
        re = new RegExp(pattern, flags);
      } catch (error) {
        throw new RuleParamError(flags === params.flags && /flag/i.test(String(error)) ? 'params.flags' : 'params.pattern', `is not a valid regular expression: ${(error as Error).message}`);
      }
      return (v) => (typeof v === 'string' ? v.replace(re, replacement) : v);
    }
    case 'expression': {
      let compiled: CompiledExpression;
      try {
        compiled = compileExpression(str(params, 'expression')!);
      } catch (error) {
        if (error instanceof ExpressionError) throw new RuleParamError('params.expression', error.message);
        throw error;
      }
      return (v, _parent, data, externalId) => compiled.evaluate(v, { record: data, externalId });
    }
    default:
      throw new RuleParamError('type', `must be one of ${RULE_TYPES.join(', ')}`);
  }
}
