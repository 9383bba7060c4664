/**
 * Checks shared by the address set, port group and ACL helpers: string maps, string lists,
 * and the field path an error names.
 */
import { isJsonObject } from '../protocol/json-members.js';
import { InvalidSpecError } from './ovn-errors.js';
import { KUBE_OVN_VENDOR } from './ownership.js';

/** `prefix.field`, or `field` alone when there is no prefix. */
export function fieldPath(prefix: string | undefined, field: string): string {
  return prefix === undefined || prefix === '' ? field : `${prefix}.${field}`;
}

/**
 * A map column's value (`external_ids`, `options`): an object of strings, copied.
 * @throws {@link InvalidSpecError} naming `field` (or `field.key` for a value that is not a string).
 */
export function checkStringMap(value: unknown, field: string): Record<string, string> {
  // Absent or null (a YAML key with nothing after it) is the empty map.
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'an object of string values');
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new InvalidSpecError(`${field}.${key}`, item, 'not a string');
    out[key] = item;
  }
  return out;
}

/** The external_ids to write: `vendor=kube-ovn` unless the caller's map says otherwise. */
export function ownedExternalIds(value: unknown, field: string): Record<string, string> {
  return { vendor: KUBE_OVN_VENDOR, ...checkStringMap(value, field) };
}

/**
 * A list of names or addresses.
 * @throws {@link InvalidSpecError} naming `field` when it is not an array, `field[i]` for an
 *   item that is not a non-empty string.
 */
export function checkStringList(value: unknown, field: string): readonly string[] {
  if (!Array.isArray(value)) throw new InvalidSpecError(field, value, 'a list of strings');
  for (const [index, item] of value.entries()) {
    if (typeof item !== 'string' || item.trim() === '')
      throw new InvalidSpecError(`${field}[${index}]`, item, 'a non-empty string');
  }
  return value as readonly string[];
}
