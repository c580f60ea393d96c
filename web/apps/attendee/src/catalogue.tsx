// The catalogue: search the public events and pick one.
import type { Catalog } from '@boxoffice/api';
import { useApi } from '@boxoffice/auth';
import {
  ApiErrorState,
  EmptyState,
  formatDateTime,
  formatPriceRange,
  Skeleton,
  useRemote,
} from '@boxoffice/ui';
import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

type EventSummary = Catalog.components['schemas']['EventSummary'];

/** How long typing pauses before the search runs, so each keystroke is not a request. */
const SEARCH_DELAY_MS = 250;

export function CataloguePage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [draft, setDraft] = useState(query);
  const searchId = useId();

  useEffect(() => {
    if (draft === query) return;
    const timer = setTimeout(() => setParams(draft ? { q: draft } : {}, { replace: true }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [draft, query, setParams]);

  const results = useRemote(
    (signal) =>
      api.catalog.get('/api/catalog/events', { query: { q: query || undefined, per_page: 24 }, signal }),
    [api, query],
  );

  return (
    <>
      <section className="catalogue-hero" aria-labelledby={`${searchId}-title`}>
        <h1 id={`${searchId}-title`}>Find your next night out</h1>
        <p>Concerts, theatre and more — pick your seats on a live map.</p>
        <search>
          <form
            className="catalogue-search"
            onSubmit={(event) => {
              event.preventDefault();
              setParams(draft ? { q: draft } : {}, { replace: true });
            }}
          >
            <label htmlFor={searchId} className="visually-hidden">
              Search events
            </label>
            <input
              id={searchId}
              type="search"
              name="q"
              placeholder="Search by event, artist or venue"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              autoComplete="off"
            />
            <button type="submit" className="bx-button bx-button--primary">
              Search
            </button>
          </form>
        </search>
      </section>
      <section aria-live="polite" aria-busy={results.status === 'loading'} aria-label="Search results">
        {results.status === 'loading' ? <Skeleton count={3} height="7rem" /> : null}
        {results.status === 'error' ? (
          <ApiErrorState error={results.error} onRetry={results.reload} what="the events" />
        ) : null}
        {results.status === 'ready' && results.data.items.length === 0 ? (
          <EmptyState title={query ? `No events match “${query}”` : 'No events on sale yet'}>
            <p>{query ? 'Try another word, or clear the search to see everything.' : 'Check back soon.'}</p>
          </EmptyState>
        ) : null}
        {results.status === 'ready' && results.data.items.length > 0 ? (
          <>
            <p className="catalogue-count">
              {results.data.total === 1 ? '1 event' : `${results.data.total} events`}
              {query ? ` for “${query}”` : ''}
            </p>
            <ul className="bx-grid">
              {results.data.items.map((event) => (
                <EventCard key={event.event_id} event={event} />
              ))}
            </ul>
          </>
        ) : null}
      </section>
    </>
  );
}

function EventCard({ event }: { event: EventSummary }) {
  const price = formatPriceRange(event.price_min_minor, event.price_max_minor, event.currency);
  const session = event.next_session;
  return (
    <li className="event-card">
      <div className="event-card__art" aria-hidden="true">
        {event.cover_image_url ? (
          <img src={event.cover_image_url} alt="" loading="lazy" />
        ) : (
          <span>{event.title.slice(0, 1)}</span>
        )}
      </div>
      <div className="event-card__body">
        {event.category ? <span className="bx-badge">{event.category.name}</span> : null}
        <h2 className="event-card__title">
          <Link to={`/events/${encodeURIComponent(event.event_id)}`}>{event.title}</Link>
        </h2>
        <p className="event-card__meta">
          {session ? formatDateTime(session.starts_at) : 'Dates to be announced'}
          {session?.venue_name ? ` · ${session.venue_name}${session.city ? `, ${session.city}` : ''}` : ''}
        </p>
        <p className="event-card__foot">
          <span>{price ? `From ${price.split(' – ')[0]}` : 'Prices soon'}</span>
          <span>{event.available > 0 ? `${event.available.toLocaleString()} places left` : 'Sold out'}</span>
        </p>
      </div>
    </li>
  );
}
