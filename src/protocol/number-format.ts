/**
 * Number formatting as C's `printf("%.15g")`, which ovsdb-server uses for reals in
 * messages and in its text format. JavaScript's own `String(x)` switches to exponent
 * notation at different thresholds, so messages would not match the server's.
 */
export function formatG15(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa = '', expText = '0'] = x.toExponential(14).split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 15) {
    const sign = exp < 0 ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return stripZeros(x.toFixed(14 - exp));
}

function stripZeros(fixed: string): string {
  if (!fixed.includes('.')) return fixed;
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (fixed.charCodeAt(end - 1) === 46 /* . */) end--;
  return fixed.slice(0, end);
}
