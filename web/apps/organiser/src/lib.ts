// Small helpers the organiser's screens share: API types, money and venue-local times.
import type { Manage } from '@boxoffice/api';

type Schemas = Manage.components['schemas'];
export type EventRecord = Schemas['Event'];
export type Venue = Schemas['Venue'];
export type Tier = Schemas['Tier'];
export type Session = Schemas['Session'];
export type Discount = Schemas['Discount'];
export type SessionStatus = Schemas['SessionStatus'];

/** The categories command-service knows (its `category` table); the API has no list of them. */
export const CATEGORIES: readonly { id: string; name: string }[] = [
  { id: 'music', name: 'Music' },
  { id: 'theatre', name: 'Theatre' },
  { id: 'comedy', name: 'Comedy' },
  { id: 'sport', name: 'Sport' },
  { id: 'family', name: 'Family' },
  { id: 'conference', name: 'Conference' },
  { id: 'film', name: 'Film' },
  { id: 'festival', name: 'Festival' },
  { id: 'other', name: 'Other' },
];

export const CURRENCIES = ['GBP', 'EUR', 'USD', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CAD', 'AUD', 'JPY'];

export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** "12.50" in GBP → 1250; undefined for anything that is not a non-negative amount. */
export function parseMoney(text: string, currency: string): number | undefined {
  const trimmed = text.trim().replace(/,/g, '');
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  return Math.round(Number(trimmed) * 10 ** currencyDigits(currency));
}

export function minorToInput(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return (minor / 10 ** digits).toFixed(digits);
}

export function timeZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf?.('timeZone') ?? ['Europe/London', 'UTC'];
  return zones.includes('UTC') ? zones : [...zones, 'UTC'];
}

/** Minutes the zone is ahead of UTC at the instant `utcMs`. */
function zoneOffsetMinutes(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - utcMs) / 60_000);
}

/** A `datetime-local` value read as wall-clock time at the venue → an ISO instant. */
export function venueLocalToIso(local: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let utc = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  utc = wall - zoneOffsetMinutes(utc, timeZone) * 60_000; // once more across a DST change
  return new Date(utc).toISOString();
}

/** An ISO instant → the `datetime-local` value of its wall-clock time at the venue. */
export function isoToVenueLocal(iso: string, timeZone: string): string {
  const utc = Date.parse(iso);
  const local = new Date(utc + zoneOffsetMinutes(utc, timeZone) * 60_000);
  return local.toISOString().slice(0, 16);
}

export const STATUS_WORDS: Record<SessionStatus, string> = {
  SCHEDULED: 'Scheduled',
  ON_SALE: 'On sale',
  CLOSED: 'Sales closed',
  CANCELLED: 'Cancelled',
  SOLD_OUT: 'Sold out',
};

const VENUE_KEY = 'boxoffice.manage.event-venue.';

/** The venue chosen for an event's sessions, remembered until its first session carries it. */
export function rememberedVenue(eventId: string): string | null {
  return window.localStorage.getItem(VENUE_KEY + eventId);
}

export function rememberVenue(eventId: string, venueId: string): void {
  window.localStorage.setItem(VENUE_KEY + eventId, venueId);
}
