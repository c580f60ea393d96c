// A session's waiting room as the organiser sets it up and watches it: the API's shapes, the
// form's text values and their checks (the same ranges command-service enforces, so most
// mistakes are shown before sending; the API's 422 names the field otherwise), and the words
// of the live figures.
import type { Manage, Sales } from '@boxoffice/api';

/** `GET/PUT /api/manage/sessions/{id}/waiting-room`. */
export type WaitingRoomSettings = Manage.components['schemas']['WaitingRoom'];
type SettingsBody = Manage.components['schemas']['SetWaitingRoom'];
/** `GET /api/sales/sessions/{id}/queue/stats` (organisers). */
export type QueueStats = Sales.components['schemas']['QueueStats'];

/** Each number's field, its JSON pointer (as the API names it) and its range. */
export const LIMITS = {
  admit_per_minute: { min: 1, max: 100_000 },
  opens_minutes_before_sale: { min: 0, max: 1_440 },
  pass_minutes: { min: 1, max: 120 },
} as const;
export type NumberField = keyof typeof LIMITS;
export const NUMBER_FIELDS = Object.keys(LIMITS) as NumberField[];

export interface WaitingRoomForm {
  enabled: boolean;
  admit_per_minute: string;
  opens_minutes_before_sale: string;
  pass_minutes: string;
}

export function formOf(settings: Pick<WaitingRoomSettings, 'enabled' | NumberField>): WaitingRoomForm {
  return {
    enabled: settings.enabled,
    admit_per_minute: String(settings.admit_per_minute),
    opens_minutes_before_sale: String(settings.opens_minutes_before_sale),
    pass_minutes: String(settings.pass_minutes),
  };
}

export const FIELD_WORDS: Record<NumberField, string> = {
  admit_per_minute: 'Buyers let through per minute',
  opens_minutes_before_sale: 'Queue opens (minutes before the sale)',
  pass_minutes: 'Time to choose seats (minutes)',
};

/** The request body, or the message of each field that is not a whole number in its range. */
export function bodyOf(
  form: WaitingRoomForm,
): { ok: true; body: SettingsBody } | { ok: false; errors: Partial<Record<NumberField, string>> } {
  const errors: Partial<Record<NumberField, string>> = {};
  const values: Partial<Record<NumberField, number>> = {};
  for (const field of NUMBER_FIELDS) {
    const { min, max } = LIMITS[field];
    const text = form[field].trim();
    const value = Number(text);
    if (text === '' || !/^\d+$/.test(text) || value < min || value > max)
      errors[field] =
        `Enter a whole number from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')}.`;
    else values[field] = value;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      enabled: form.enabled,
      admit_per_minute: values.admit_per_minute ?? 0,
      opens_minutes_before_sale: values.opens_minutes_before_sale ?? 0,
      pass_minutes: values.pass_minutes ?? 0,
    },
  };
}

/** "about 3 min", "45 s", "1 h 5 min"; a dash when nobody has waited yet. */
export function formatWait(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long the current queue takes to clear at the rate, for the live panel. */
export function clearsIn(stats: Pick<QueueStats, 'waiting' | 'admit_per_minute'>): string {
  if (stats.waiting <= 0) return 'nobody waiting';
  return formatWait((stats.waiting / Math.max(1, stats.admit_per_minute)) * 60);
}
