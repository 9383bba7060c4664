/**
 * YAML (and JSON) text read into plain data, for the readers of Kube-OVN resources and of the
 * `ovn-ic-config` ConfigMap. Every failure of the `yaml` package becomes an
 * {@link InvalidYamlError} naming the document, the line and column when known, and the
 * reason, with the package's own error as `cause`: its syntax errors, duplicate keys and
 * nesting limit come back in `doc.errors`, but `toJS` throws untyped `ReferenceError`s for
 * aliases, and a circular alias makes data that no JSON encoder or walk survives.
 */
import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isNode,
  isPair,
  LineCounter,
  parseAllDocuments,
  type YAMLError,
} from 'yaml';
import { InvalidYamlError } from './ovn-errors.js';

/**
 * The `maxAliasCount` given to the `yaml` package: how far aliases may multiply a document
 * (its measure: the uses of an anchor times the aliases inside it). A "billion laughs" text
 * of nested anchors goes past it within a few levels and is refused before it is expanded;
 * the Kube-OVN resources the seeds hold use no alias at all.
 */
export const YAML_MAX_ALIAS_COUNT = 100;

/** A document's position in the text, for messages: 1-based line and column. */
interface Place {
  readonly line: number | undefined;
  readonly column: number | undefined;
}

function placeOf(lines: LineCounter, offset: number | undefined): Place {
  if (offset === undefined) return { line: undefined, column: undefined };
  const { line, col } = lines.linePos(offset);
  // line 0: the offset lies before the first newline the counter saw, on line 1.
  return { line: Math.max(line, 1), column: col };
}

/** A parser error of document `index` (1-based) as ours. */
function parseError(index: number, error: YAMLError, lines: LineCounter): InvalidYamlError {
  const { line, column } = placeOf(lines, error.pos[0]);
  return new InvalidYamlError(index, line, column, error.message, error.code, { cause: error });
}

/**
 * The first alias of `doc` that names no anchor before it, or one inside the very node its
 * anchor marks (a cycle), looked for the way `yaml` resolves aliases: to the last anchor of
 * that name before the alias, in document order. Iterative: nesting is only bounded by the
 * package's own limit.
 */
function badAlias(doc: Document): { alias: Alias; code: string; reason: string } | undefined {
  const anchors = new Map<string, unknown>();
  const open = new Set<unknown>();
  const stack: { node: unknown; leaving: boolean }[] = [{ node: doc.contents, leaving: false }];
  while (stack.length > 0) {
    const { node, leaving } = stack.pop() as { node: unknown; leaving: boolean };
    if (leaving) {
      open.delete(node);
      continue;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined)
        return {
          alias: node,
          code: 'ALIAS_UNRESOLVED',
          reason: `alias *${node.source} has no anchor before it`,
        };
      if (open.has(target)) {
        return {
          alias: node,
          code: 'ALIAS_CYCLE',
          reason: `alias *${node.source} lies inside its own anchor (the data would be circular)`,
        };
      }
      continue;
    }
    if (isNode(node) && node.anchor !== undefined) anchors.set(node.anchor, node);
    if (isCollection(node)) {
      open.add(node);
      stack.push({ node, leaving: true });
    }
    const children: readonly unknown[] = isPair(node)
      ? [node.key, node.value]
      : isCollection(node)
        ? node.items
        : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], leaving: false });
  }
  return undefined;
}

/**
 * The plain data of every document of `text` (several `---` documents; JSON is YAML too), in
 * order.
 * @throws {@link InvalidYamlError}: `yamlCode` is the package's error code for what its parser
 *   reports (`BAD_INDENT`, `DUPLICATE_KEY`, `RESOURCE_EXHAUSTION` for too deep a nesting, ...),
 *   `ALIAS_UNRESOLVED` or `ALIAS_CYCLE` for an alias that names no earlier anchor or its own
 *   ancestor, `ALIAS_LIMIT` past {@link YAML_MAX_ALIAS_COUNT}, `YAML_FAILED` for anything else
 *   the package throws.
 */
export function readYamlDocuments(text: string): unknown[] {
  const lines = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    // prettyErrors off: the message stays one line; the place comes from `lines`.
    docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    throw new InvalidYamlError(1, undefined, undefined, String(error), 'YAML_FAILED', { cause: error });
  }
  // An empty stream (comments, directives only) still reports its errors.
  if ('empty' in docs) {
    if (docs.errors[0] !== undefined) throw parseError(1, docs.errors[0], lines);
    return [];
  }
  return docs.map((doc, i) => {
    const index = i + 1;
    if (doc.errors[0] !== undefined) throw parseError(index, doc.errors[0], lines);
    const bad = badAlias(doc);
    if (bad !== undefined) {
      const { line, column } = placeOf(lines, bad.alias.range?.[0]);
      throw new InvalidYamlError(index, line, column, bad.reason, bad.code);
    }
    try {
      return doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT }) as unknown;
    } catch (error) {
      // Unresolved and circular aliases were ruled out above: a ReferenceError is the limit.
      if (error instanceof ReferenceError) {
        const reason = `aliases expand the document past the limit of ${YAML_MAX_ALIAS_COUNT} (an alias bomb?)`;
        throw new InvalidYamlError(index, undefined, undefined, reason, 'ALIAS_LIMIT', { cause: error });
      }
      throw new InvalidYamlError(index, undefined, undefined, String(error), 'YAML_FAILED', { cause: error });
    }
  });
}
