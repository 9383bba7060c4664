/** `--format`: how rows and changes are printed. */
import { Option } from 'commander';

/** The output formats. `ndjson`: one JSON value per line; `json`: one indented document; `table`: aligned text. */
export type OutputFormat = 'ndjson' | 'json' | 'table';

/** The `--format` option with its choices and default. */
export function formatOption(defaultFormat: OutputFormat): Option {
  return new Option('-f, --format <format>', 'output format')
    .choices(['ndjson', 'json', 'table'])
    .default(defaultFormat);
}
