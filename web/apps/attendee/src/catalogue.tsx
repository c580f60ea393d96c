// The catalogue: search the public events with filters, sort and pages; trending events first.
// Every filter lives in the address, so a search can be shared, reloaded and gone back to.
import type { Catalog } from '@boxoffice/api';
import { useApi } from '@boxoffice/auth';
import { ApiErrorState, EmptyState, Skeleton, useRemote } from '@boxoffice/ui';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { type I18n, useI18n } from './i18n.tsx';

type EventSummary = Catalog.components['schemas']['EventSummary'];
type Category = Catalog.components['schemas']['Category'];
type Sort = 'date' | 'relevance' | 'distance' | 'price';

/** How long typing pauses before the search runs, so each keystroke is not a request. */
const SEARCH_DELAY_MS = 250;
const PER_PAGE = 12;
const FILTER_KEYS = ['category', 'city', 'from', 'to', 'min', 'max', 'near', 'sort'] as const;

/** A price typed in major units as the API's minor units (the catalogue's currencies use 2 digits). */
export function toMinor(text: string | null): number | undefined {
  if (!text) return undefined;
  const value = Number(text.replace(',', '.'));
  return Number.isFinite(value) && value >= 0 ? Math.round(value * 100) : undefined;
}

export function searchQuery(params: URLSearchParams) {
  const page = Number(params.get('page') ?? '1');
  const sort = params.get('sort') as Sort | null;
  return {
    q: params.get('q') || undefined,
    category: params.get('category') || undefined,
    city: params.get('city') || undefined,
    from: params.get('from') || undefined,
    to: params.get('to') || undefined,
    min_price: toMinor(params.get('min')),
    max_price: toMinor(params.get('max')),
    near: params.get('near') || undefined,
    sort: sort && ['date', 'relevance', 'distance', 'price'].includes(sort) ? sort : undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    per_page: PER_PAGE,
  };
}

export function CataloguePage() {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [draft, setDraft] = useState(query);
  const [categories, setCategories] = useState<Map<string, Category>>(new Map());
  const [nearError, setNearError] = useState(false);
  const searchId = useId();
  const resultsRef = useRef<HTMLElement>(null);
  const search = searchQuery(params);
  const filtered = FILTER_KEYS.some((key) => key !== 'sort' && params.get(key));
  // Open at first when the address has filters; after that, as the buyer leaves it.
  const [filtersOpen, setFiltersOpen] = useState(filtered);

  // From the latest address, not this render's: two fields committed at once must not undo each other.
  const update = (changes: Record<string, string | undefined>, keepPage = false) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        if (!keepPage) next.delete('page');
        return next;
      },
      { replace: !('page' in changes) },
    );

  useEffect(() => {
    if (draft === query) return;
    const timer = setTimeout(() => update({ q: draft || undefined }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  });

  const results = useRemote(
    (signal) => api.catalog.get('/api/catalog/events', { query: search, signal }),
    [api, params.toString()],
  );
  const trending = useRemote((signal) => api.catalog.get('/api/catalog/trending', { signal }), [api]);

  // The catalogue has no category list of its own: offer every category seen so far.
  useEffect(() => {
    const seen = [...(results.data?.items ?? []), ...(trending.data?.items ?? [])]
      .map((item) => item.category)
      .filter((category): category is Category => !!category);
    if (seen.some((category) => !categories.has(category.category_id))) {
      setCategories((current) => {
        const next = new Map(current);
        for (const category of seen) next.set(category.category_id, category);
        return next;
      });
    }
  }, [results.data, trending.data, categories]);

  const pages = results.data ? Math.max(1, Math.ceil(results.data.total / results.data.per_page)) : 1;
  const goToPage = (page: number) => {
    update({ page: page > 1 ? String(page) : undefined }, true);
    resultsRef.current?.focus();
  };

  const nearMe = () => {
    if (!navigator.geolocation) {
      setNearError(true);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setNearError(false);
        update({
          near: `${position.coords.latitude.toFixed(4)},${position.coords.longitude.toFixed(4)}`,
          sort: 'distance',
        });
      },
      () => setNearError(true),
      { timeout: 10_000 },
    );
  };

  const showTrending = !filtered && !query && search.page === 1 && (trending.data?.items.length ?? 0) > 0;

  return (
    <>
      <section className="catalogue-hero" aria-labelledby={`${searchId}-title`}>
        <h1 id={`${searchId}-title`}>{t('search.title')}</h1>
        <p>{t('search.lede')}</p>
        <search>
          <form
            className="catalogue-search"
            onSubmit={(event) => {
              event.preventDefault();
              update({ q: draft || undefined });
            }}
          >
            <label htmlFor={searchId} className="visually-hidden">
              {t('search.label')}
            </label>
            <input
              id={searchId}
              type="search"
              name="q"
              placeholder={t('search.placeholder')}
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              autoComplete="off"
            />
            <button type="submit" className="bx-button bx-button--primary">
              {t('search.submit')}
            </button>
          </form>
        </search>
      </section>

      <details
        className="filters bx-card"
        open={filtersOpen}
        onToggle={(event) => setFiltersOpen(event.currentTarget.open)}
      >
        <summary>{t('search.filters')}</summary>
        <div className="filters__grid">
          <Field label={t('search.category')}>
            {(id) => (
              <select
                id={id}
                value={params.get('category') ?? ''}
                onChange={(event) => update({ category: event.target.value })}
              >
                <option value="">{t('search.anyCategory')}</option>
                {[...categories.values()].map((category) => (
                  <option key={category.category_id} value={category.category_id}>
                    {category.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('search.city')}>
            {(id) => (
              <DeferredInput id={id} value={params.get('city') ?? ''} onCommit={(city) => update({ city })} />
            )}
          </Field>
          <Field label={t('search.from')}>
            {(id) => (
              <input
                id={id}
                type="date"
                value={params.get('from') ?? ''}
                onChange={(event) => update({ from: event.target.value })}
              />
            )}
          </Field>
          <Field label={t('search.to')}>
            {(id) => (
              <input
                id={id}
                type="date"
                value={params.get('to') ?? ''}
                onChange={(event) => update({ to: event.target.value })}
              />
            )}
          </Field>
          <Field label={t('search.minPrice')}>
            {(id) => (
              <DeferredInput
                id={id}
                inputMode="decimal"
                value={params.get('min') ?? ''}
                onCommit={(min) => update({ min })}
              />
            )}
          </Field>
          <Field label={t('search.maxPrice')}>
            {(id) => (
              <DeferredInput
                id={id}
                inputMode="decimal"
                value={params.get('max') ?? ''}
                onCommit={(max) => update({ max })}
              />
            )}
          </Field>
        </div>
        <div className="filters__actions">
          {params.get('near') ? (
            <button
              type="button"
              className="bx-button bx-button--secondary"
              onClick={() => update({ near: undefined, sort: undefined })}
            >
              {t('search.nearOff')}
            </button>
          ) : (
            <button type="button" className="bx-button bx-button--secondary" onClick={nearMe}>
              {t('search.near')}
            </button>
          )}
          {filtered ? (
            <button
              type="button"
              className="bx-button bx-button--ghost"
              onClick={() => update(Object.fromEntries(FILTER_KEYS.map((key) => [key, undefined])))}
            >
              {t('search.clear')}
            </button>
          ) : null}
          {nearError ? <p role="status">{t('search.nearUnavailable')}</p> : null}
        </div>
      </details>

      {showTrending && trending.data ? (
        <section aria-labelledby={`${searchId}-trending`} className="trending">
          <h2 id={`${searchId}-trending`}>{t('trending.title')}</h2>
          <ul className="trending__list">
            {trending.data.items.slice(0, 6).map((event) => (
              <li key={event.event_id}>
                <Link to={`/events/${encodeURIComponent(event.event_id)}`}>{event.title}</Link>
                <span>
                  {event.tickets_last_7_days > 0
                    ? t('trending.sold', { count: i18n.number(event.tickets_last_7_days) })
                    : event.next_session
                      ? i18n.dateTime(event.next_session.starts_at)
                      : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section
        ref={resultsRef}
        tabIndex={-1}
        className="results"
        aria-live="polite"
        aria-busy={results.status === 'loading'}
        aria-label={t('search.results')}
      >
        <div className="results__bar">
          <p className="catalogue-count">
            {results.data
              ? `${results.data.total === 1 ? t('search.count.one') : t('search.count.other', { count: i18n.number(results.data.total) })}${query ? ` ${t('search.for', { q: query })}` : ''}`
              : '\u00a0'}
          </p>
          <label className="results__sort">
            <span>{t('search.sort')}</span>
            <select value={search.sort ?? 'date'} onChange={(event) => update({ sort: event.target.value })}>
              <option value="date">{t('search.sort.date')}</option>
              {query ? <option value="relevance">{t('search.sort.relevance')}</option> : null}
              <option value="price">{t('search.sort.price')}</option>
              {search.near ? <option value="distance">{t('search.sort.distance')}</option> : null}
            </select>
          </label>
        </div>
        {results.status === 'loading' ? <Skeleton count={3} height="7rem" /> : null}
        {results.status === 'error' ? (
          <ApiErrorState error={results.error} onRetry={results.reload} what="the events" />
        ) : null}
        {results.status === 'ready' && results.data.items.length === 0 ? (
          <EmptyState
            title={
              query ? t('search.none', { q: query }) : filtered ? t('search.noneFiltered') : t('search.empty')
            }
          >
            <p>{query || filtered ? t('search.noneHint') : t('search.emptyHint')}</p>
          </EmptyState>
        ) : null}
        {results.status === 'ready' && results.data.items.length > 0 ? (
          <>
            <ul className="bx-grid">
              {results.data.items.map((event) => (
                <EventCard key={event.event_id} event={event} i18n={i18n} />
              ))}
            </ul>
            {pages > 1 ? (
              <nav className="pager" aria-label={t('search.pagination')}>
                <button
                  type="button"
                  className="bx-button bx-button--secondary"
                  disabled={search.page <= 1}
                  onClick={() => goToPage(search.page - 1)}
                >
                  {t('search.prev')}
                </button>
                <span>{t('search.page', { page: search.page, pages })}</span>
                <button
                  type="button"
                  className="bx-button bx-button--secondary"
                  disabled={search.page >= pages}
                  onClick={() => goToPage(search.page + 1)}
                >
                  {t('search.next')}
                </button>
              </nav>
            ) : null}
          </>
        ) : null}
      </section>
    </>
  );
}

function Field({ label, children }: { label: string; children: (id: string) => React.ReactNode }) {
  const id = useId();
  return (
    <div className="filters__field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

/** A text input that changes the search when the buyer pauses or leaves it, not per keystroke. */
function DeferredInput({
  id,
  value,
  onCommit,
  inputMode,
}: {
  id: string;
  value: string;
  onCommit: (value: string) => void;
  inputMode?: 'decimal';
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft === value) return;
    const timer = setTimeout(() => onCommit(draft.trim()), SEARCH_DELAY_MS * 2);
    return () => clearTimeout(timer);
  });
  return (
    <input
      id={id}
      value={draft}
      inputMode={inputMode}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={() => draft !== value && onCommit(draft.trim())}
    />
  );
}

function EventCard({ event, i18n }: { event: EventSummary; i18n: I18n }) {
  const { t } = i18n;
  const session = event.next_session;
  const from =
    event.price_min_minor !== null && event.price_min_minor !== undefined && event.currency
      ? i18n.price(event.price_min_minor, event.currency)
      : undefined;
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
          {session ? i18n.dateTime(session.starts_at) : t('card.tba')}
          {session?.venue_name ? ` · ${session.venue_name}${session.city ? `, ${session.city}` : ''}` : ''}
          {event.distance_km !== null && event.distance_km !== undefined
            ? ` · ${t('card.distance', { km: i18n.number(Math.round(event.distance_km * 10) / 10) })}`
            : ''}
        </p>
        <p className="event-card__foot">
          <span>{from ? t('card.from', { price: from }) : t('card.pricesSoon')}</span>
          <span>
            {event.available > 0
              ? t('card.left', { count: i18n.number(event.available) })
              : t('card.soldOut')}
          </span>
        </p>
      </div>
    </li>
  );
}
