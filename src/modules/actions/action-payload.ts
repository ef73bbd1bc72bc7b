import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ActionRequest, ActionType } from '../../providers/provider-adapter';
import { ACTION_PAYLOADS } from './dtos/action-payloads.dto';
import { ActionException, ActionExceptionCode } from './action.exception';

function flatten(errors: ValidationError[], parent: string): Array<{ field: string; errors: string[] }> {
  return errors.flatMap((e) => {
    const field = `${parent}.${e.property}`;
    const own = e.constraints ? [{ field, errors: Object.values(e.constraints).map((m) => `${parent}.${m}`) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Validates an action's payload against its type's class (unknown fields refused) and
 * returns the cleaned action.
 * @throws ActionException INVALID_PAYLOAD (400) naming each field as `payload.<field>`.
 */
export function parseAction(type: ActionType, payload: Record<string, unknown>): ActionRequest {
  const instance = plainToInstance(ACTION_PAYLOADS[type] as new () => object, payload);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const details = flatten(errors, 'payload');
    throw new ActionException(ActionExceptionCode.INVALID_PAYLOAD, `Invalid ${type} payload: ${details.flatMap((d) => d.errors).join('; ')}`, details);
  }
  return { type, payload: JSON.parse(JSON.stringify(instance)) as Record<string, unknown> };
}

/** Stable JSON (sorted keys) so the same body always hashes the same. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
