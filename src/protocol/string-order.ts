/**
 * Compares strings by Unicode code point, which is the byte order of their UTF-8
 * encodings and so the order ovsdb-server sorts string atoms in. JavaScript's `<`
 * compares UTF-16 code units and would put U+FFFD after U+1F600.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return lift(x) - lift(y);
  }
  return a.length - b.length;
}

// Surrogates (supplementary planes) must sort after U+E000..U+FFFF.
function lift(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/**
 * The length of `s` in Unicode code points (what ovsdb-server measures for
 * `minLength`/`maxLength`), or -1 when `s` holds a lone surrogate and so has no UTF-8
 * encoding.
 */
export function codePointLength(s: string): number {
  let length = s.length;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    const next = s.charCodeAt(i + 1);
    if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return -1;
    length--;
    i++;
  }
  return length;
}
