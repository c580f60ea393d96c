// An event's public page: what it is, its sessions and prices.
import { useApi } from '@boxoffice/auth';
import {
  ApiErrorState,
  formatDateTime,
  formatPrice,
  LoadingState,
  TierSwatch,
  useRemote,
} from '@boxoffice/ui';
import { Link, useParams } from 'react-router';

export function EventPage() {
  const api = useApi();
  const { eventId = '' } = useParams();
  const event = useRemote(
    (signal) => api.catalog.get('/api/catalog/events/{id}', { path: { id: eventId }, signal }),
    [api, eventId],
  );
  if (event.status === 'loading') return <LoadingState label="Loading the event…" />;
  if (event.status === 'error')
    return <ApiErrorState error={event.error} onRetry={event.reload} what="this event" />;
  const detail = event.data;
  return (
    <article className="event-page">
      <p>
        <Link to="/">← All events</Link>
      </p>
      {detail.category ? <span className="bx-badge">{detail.category.name}</span> : null}
      <h1 className="bx-page-title">{detail.title}</h1>
      <p className="bx-lede">{detail.organisation_name}</p>
      {detail.description ? <p>{detail.description}</p> : null}
      <div className="event-page__columns">
        <section className="bx-card" aria-labelledby="sessions-title">
          <h2 id="sessions-title">Dates</h2>
          {detail.sessions.length === 0 ? <p>No dates announced yet.</p> : null}
          <ul className="session-list">
            {detail.sessions.map((session) => (
              <li key={session.session_id}>
                <strong>{formatDateTime(session.starts_at, { timeZone: session.venue?.timezone })}</strong>
                <span>{session.venue ? `${session.venue.name}, ${session.venue.city}` : 'Online'}</span>
                <span className="bx-badge">
                  {session.sales_open
                    ? `${session.available.toLocaleString()} available`
                    : session.status.replace('_', ' ').toLowerCase()}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section className="bx-card" aria-labelledby="prices-title">
          <h2 id="prices-title">Prices</h2>
          <ul className="tier-list">
            {detail.tiers.map((tier, index) => (
              <li key={tier.tier_id}>
                <TierSwatch index={index} label={tier.name} />
                <span>{formatPrice(tier.price_minor, tier.currency)}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </article>
  );
}
