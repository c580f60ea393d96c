// Orders and attendees as CSV from order-service: fetched with the organiser's token (a plain
// link could not send it) and handed to the browser as a file.
import { ApiError } from '@boxoffice/api';

export type Report = 'orders' | 'attendees';

/** "The Midnight Orchestra — Live" → "The-Midnight-Orchestra-Live-orders.csv". */
export function reportFileName(title: string, report: Report): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[^\w-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return `${stem || 'event'}-${report}.csv`;
}

export function reportUrl(eventId: string, report: Report): string {
  return `/api/sales/events/${encodeURIComponent(eventId)}/${report}`;
}

export async function fetchReport(
  eventId: string,
  report: Report,
  accessToken: string | undefined,
  fetcher: typeof fetch = fetch,
): Promise<Blob> {
  const url = reportUrl(eventId, report);
  let response: Response;
  try {
    response = await fetcher(url, {
      headers: { Accept: 'text/csv', ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}) },
    });
  } catch (cause) {
    throw ApiError.network('GET', url, cause);
  }
  if (!response.ok) throw await ApiError.fromResponse('GET', url, response);
  return response.blob();
}

export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked after the click has been handled, so the download has started reading it.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** What to tell the organiser when an export fails. */
export function exportErrorMessage(error: unknown, report: Report): string {
  const what = report === 'orders' ? 'The orders' : 'The attendee list';
  if (error instanceof ApiError) {
    if (error.status === 403) return `${what} can only be exported by the event's organisers.`;
    if (error.status === 0) return `${what} could not be fetched: check the connection and try again.`;
    return `${what} could not be exported: ${error.message}`;
  }
  return `${what} could not be exported.`;
}

/** A cell of the dashboard's own CSV: quoted when needed, formulas defused with a leading '. */
export function csvCell(value: string | number): string {
  const raw = String(value);
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(text) || /^ | $/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
