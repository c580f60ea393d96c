// Prices and dates as the person reading them expects: in their locale, money from the API's
// minor units, times in the venue's time zone when it is known.

export function formatPrice(minor: number, currency: string, locale?: string): string {
  const digits =
    new Intl.NumberFormat(locale, { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
    2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** digits);
}

/** "£28.00" or "£28.00 – £45.00"; undefined when the event has no prices yet. */
export function formatPriceRange(
  min: number | null | undefined,
  max: number | null | undefined,
  currency: string | null | undefined,
  locale?: string,
): string | undefined {
  if (min === null || min === undefined || !currency) return undefined;
  const low = formatPrice(min, currency, locale);
  if (max === null || max === undefined || max === min) return low;
  return `${low} – ${formatPrice(max, currency, locale)}`;
}

export function formatDateTime(iso: string, options: { timeZone?: string; locale?: string } = {}): string {
  return new Intl.DateTimeFormat(options.locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: options.timeZone,
  }).format(new Date(iso));
}
