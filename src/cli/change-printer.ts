/**
 * Prints a monitor's changes as they are applied, in one of the output formats. Changes
 * applied together (one server message) are printed together: one table, or one JSON array.
 */
import type { RowChange } from '../cache/change.js';
import type { OutputFormat } from './output-format.js';
import { cellText, renderTable, toJsonValue } from './render-value.js';

type Row = Record<string, unknown>;

/** A change as a JSON object: kind, table, uuid, and the row images it has. */
export function changeJson(change: RowChange<string, Row>): Record<string, unknown> {
  const base = { kind: change.kind, table: change.table, uuid: change.uuid };
  if (change.kind === 'insert') return { ...base, initial: change.initial, new: toJsonValue(change.new) };
  if (change.kind === 'delete') return { ...base, old: toJsonValue(change.old) };
  return { ...base, columns: change.columns, old: toJsonValue(change.old), new: toJsonValue(change.new) };
}

/** Table lines of one change: `insert`/`delete` with the row, or `old` and `new` with the changed columns. */
function tableLines(change: RowChange<string, Row>, columns: readonly string[]): string[][] {
  const line = (action: string, row: Row, only?: ReadonlySet<string>) => [
    change.uuid,
    action,
    ...columns.map((c) => (only && !only.has(c) ? '' : cellText(row[c]))),
  ];
  if (change.kind === 'insert') return [line(change.initial ? 'initial' : 'insert', change.new)];
  if (change.kind === 'delete') return [line('delete', change.old)];
  const changed = new Set(change.columns);
  return [line('old', change.old, changed), line('new', change.new)];
}

/** Collects changes and writes each group once the group is complete (at the next turn of the event loop). */
export class ChangePrinter {
  private pending: RowChange<string, Row>[] = [];
  private scheduled = false;

  constructor(
    private readonly format: OutputFormat,
    private readonly columns: readonly string[],
    private readonly write: (text: string) => void,
  ) {}

  /** Queues a change; the group it belongs to is printed at the next turn. */
  add(change: RowChange<string, Row>): void {
    this.pending.push(change);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Prints what is queued now. */
  flush(): void {
    this.scheduled = false;
    const group = this.pending;
    if (group.length === 0) return;
    this.pending = [];
    if (this.format === 'ndjson') {
      this.write(group.map((c) => `${JSON.stringify(changeJson(c))}\n`).join(''));
    } else if (this.format === 'json') {
      this.write(`${JSON.stringify(group.map(changeJson), null, 2)}\n`);
    } else {
      const headings = ['row', 'action', ...this.columns];
      this.write(
        `${renderTable(
          headings,
          group.flatMap((c) => tableLines(c, this.columns)),
        )}\n\n`,
      );
    }
  }
}
