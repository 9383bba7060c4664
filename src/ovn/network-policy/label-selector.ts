/**
 * Kubernetes label selectors (`matchLabels` and `matchExpressions` with `In`, `NotIn`, `Exists`,
 * `DoesNotExist`), read as the API server validates them and matched as
 * `metav1.LabelSelectorAsSelector` does: every requirement must hold, and an empty selector
 * selects everything.
 */
import { isJsonObject } from '../../protocol/json-members.js';
import { InvalidSpecError } from '../ovn-errors.js';
import { checkStringMap } from '../spec-checks.js';

/** One `matchExpressions` entry. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Non-empty for `In` and `NotIn`, empty for `Exists` and `DoesNotExist`. */
  readonly values: readonly string[];
}

/** A label selector; both parts empty selects every object. */
export interface LabelSelector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

/** The selector that selects every object (`{}`). */
export const EVERYTHING: LabelSelector = { matchLabels: {}, matchExpressions: [] };

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Reads a selector; `field` is its path for errors. */
export function parseLabelSelector(value: unknown, field: string): LabelSelector {
  if (value === null || value === undefined) return EVERYTHING;
  if (!isJsonObject(value)) throw new InvalidSpecError(field, value, 'must be a label selector object');
  const matchLabels = checkStringMap(value.matchLabels, `${field}.matchLabels`);
  const raw = value.matchExpressions ?? [];
  if (!Array.isArray(raw)) throw new InvalidSpecError(`${field}.matchExpressions`, raw, 'must be a list');
  const matchExpressions = raw.map((entry: unknown, i): LabelSelectorRequirement => {
    const at = `${field}.matchExpressions[${i}]`;
    if (!isJsonObject(entry)) throw new InvalidSpecError(at, entry, 'must be an object');
    const { key, operator } = entry;
    if (typeof key !== 'string' || key === '') throw new InvalidSpecError(`${at}.key`, key, 'required');
    if (typeof operator !== 'string' || !OPERATORS.has(operator))
      throw new InvalidSpecError(`${at}.operator`, operator, 'must be In, NotIn, Exists or DoesNotExist');
    const values = entry.values ?? [];
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))
      throw new InvalidSpecError(`${at}.values`, values, 'must be a list of strings');
    const needsValues = operator === 'In' || operator === 'NotIn';
    if (needsValues && values.length === 0)
      throw new InvalidSpecError(`${at}.values`, values, `${operator} needs at least one value`);
    if (!needsValues && values.length > 0)
      throw new InvalidSpecError(`${at}.values`, values, `${operator} takes no values`);
    return { key, operator: operator as LabelSelectorRequirement['operator'], values: values as string[] };
  });
  return { matchLabels, matchExpressions };
}

/** True when `labels` satisfy every requirement of `selector`. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const key in selector.matchLabels) {
    if (labels[key] !== selector.matchLabels[key]) return false;
  }
  for (const { key, operator, values } of selector.matchExpressions) {
    const has = Object.hasOwn(labels, key);
    switch (operator) {
      case 'In':
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        // An object without the key satisfies NotIn (as in Kubernetes).
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** True for the selector that selects everything. */
export function selectsEverything(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}
