/**
 * The names a ```` ```ts fragment ```` block of the docs may use without defining them, typed
 * with the package's own exported types (listed in docs/testing.md, "Snippets in these docs").
 * Everything else a fragment uses it imports, as a program would. Only fragments see these
 * names: each fragment's file starts with an import of those it does not declare itself.
 */
import ts from 'typescript';

/** Name -> type, as declared for fragments. */
export const FRAGMENT_NAMES: Readonly<Record<string, string>> = {
  /** A client connected to the Northbound database. */
  client: "import('ovndb').OvsdbClient",
  /** A replica of the Northbound database on `client`. */
  nb: "import('ovndb').Replica<import('ovndb/nb').Tables>",
  /** An open interconnection (what `openInterconnection` resolves to). */
  ic: "import('ovndb/ic').Interconnection",
};

/** The module declaring those names, written as `<dir>/fragment-context.d.ts`. */
export function fragmentContextModule(): string {
  const lines = Object.entries(FRAGMENT_NAMES).map(
    ([name, type]) => `export declare const ${name}: ${type};`,
  );
  return `// The names a \`ts fragment\` block may use (test/helpers/fragment-context.ts).\n${lines.join('\n')}\n`;
}

/**
 * The import a fragment's file starts with, on the same line as the fragment's first line
 * (so that line numbers stay the markdown's): the context names it does not declare itself.
 */
export function fragmentPrelude(code: string): string {
  const declared = topLevelNames(code);
  const names = Object.keys(FRAGMENT_NAMES).filter((name) => !declared.has(name));
  return names.length === 0 ? '' : `import { ${names.join(', ')} } from './fragment-context.js'; `;
}

function topLevelNames(code: string): Set<string> {
  const source = ts.createSourceFile('fragment.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name !== undefined) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings !== undefined) for (const element of bindings.elements) names.add(element.name.text);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name !== undefined
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}
