/**
 * Fenced code blocks of a markdown text (CommonMark's ``` and ~~~ fences, also indented inside
 * list items), with the line each one opens on, so that a failure can name `file:line`.
 */

/** One fenced block as written. */
export interface FencedBlock {
  /** 1-based line of the opening fence; the code's first line is `line + 1`. */
  readonly line: number;
  /** The info string after the fence (`ts fragment`), trimmed; '' when none. */
  readonly info: string;
  /** The block's lines, without the fence's indentation, joined with '\n'. */
  readonly code: string;
}

const OPENING = /^( *)(`{3,}|~{3,})(.*)$/;

/** Every fenced block of `text`, in order. An unclosed fence runs to the end, as CommonMark reads it. */
export function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPENING.exec(lines[i] as string);
    if (open === null) continue;
    const [, indent = '', fence = '', info = ''] = open;
    // A backtick fence's info string cannot hold a backtick (that is inline code).
    if (fence.startsWith('`') && info.includes('`')) continue;
    const closing = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},} *$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !closing.test(lines[j] as string); j++) {
      body.push(stripIndent(lines[j] as string, indent.length));
    }
    blocks.push({ line: i + 1, info: info.trim(), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** Removes up to `width` leading spaces: the fence's own indentation. */
function stripIndent(line: string, width: number): string {
  let cut = 0;
  while (cut < width && line[cut] === ' ') cut++;
  return line.slice(cut);
}
