// The one way pipe prints a dollar figure. Costs are kept to 1e-9 USD (roundUsd), so
// printing every digit they have (trailing zeros trimmed, at least cents) makes the
// parts of a line add up to its total exactly: $0.0026 + $0.0132 = $0.0158, never
// "$0.02 ($0.0026, $0.01)".

/** "$2.00", "$1.995", "$0.0123", "$0.000012", "$0.000000123": at least cents, every digit down to nano-dollars, no trailing noise. */
export function formatUsd(usd: number): string {
  const sign = usd < 0 && Math.abs(usd) >= 5e-10 ? '-' : '';
  const fixed = Math.abs(usd).toFixed(9).replace(/0+$/, '');
  const [whole, frac = ''] = fixed.split('.');
  return `${sign}$${whole}.${frac.padEnd(2, '0')}`;
}
