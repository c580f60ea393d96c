// An event's public page: what it is, its dates with venue and availability, and its prices.
import { useApi } from '@boxoffice/auth';
import { ApiErrorState, LoadingState, TierSwatch, useRemote } from '@boxoffice/ui';
import { Link, useParams } from 'react-router';
import { useI18n } from './i18n.tsx';
import type { SessionHeading } from './waiting_room.tsx';

export function EventPage() {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const { eventId = '' } = useParams();
  const event = useRemote(
    (signal) => api.catalog.get('/api/catalog/events/{id}', { path: { id: eventId }, signal }),
    [api, eventId],
  );
  if (event.status === 'loading') return <LoadingState label={t('event.loading')} />;
  if (event.status === 'error')
    return <ApiErrorState error={event.error} onRetry={event.reload} what={t('event.what')} />;
  const detail = event.data;
  const cover = detail.cover_image_urls[0];
  return (
    <article className="event-page">
      <p>
        <Link to="/">{t('event.back')}</Link>
      </p>
      {cover ? <img className="event-page__cover" src={cover} alt="" /> : null}
      {detail.category ? <span className="bx-badge">{detail.category.name}</span> : null}
      <h1 className="bx-page-title">{detail.title}</h1>
      <p className="bx-lede">{detail.organisation_name}</p>
      {detail.description ? <p className="event-page__description">{detail.description}</p> : null}
      <div className="event-page__columns">
        <section className="bx-card" aria-labelledby="sessions-title">
          <h2 id="sessions-title">{t('event.dates')}</h2>
          {detail.sessions.length === 0 ? <p>{t('event.noDates')}</p> : null}
          <ul className="session-list">
            {detail.sessions.map((session) => {
              const when = i18n.dateTime(session.starts_at, session.venue?.timezone);
              return (
                <li key={session.session_id}>
                  <strong>{when}</strong>
                  <span>
                    {session.venue
                      ? `${session.venue.name}, ${session.venue.address_line}, ${session.venue.city}`
                      : t('event.online')}
                  </span>
                  <span className="session-list__foot">
                    <span className="bx-badge">
                      {session.sales_open
                        ? t('event.available', { count: i18n.number(session.available) })
                        : session.available === 0 && session.status === 'SOLD_OUT'
                          ? t('card.soldOut')
                          : t('event.notOnSale')}
                    </span>
                    {session.sales_open && session.available > 0 ? (
                      <Link
                        className="bx-button bx-button--primary"
                        to={`/sessions/${encodeURIComponent(session.session_id)}`}
                        state={
                          {
                            eventId: detail.event_id,
                            eventTitle: detail.title,
                            when,
                          } satisfies SessionHeading
                        }
                        aria-label={`${t('event.choose')} — ${when}`}
                      >
                        {t('event.choose')}
                      </Link>
                    ) : null}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
        <section className="bx-card" aria-labelledby="prices-title">
          <h2 id="prices-title">{t('event.prices')}</h2>
          <ul className="tier-list">
            {detail.tiers.map((tier, index) => (
              <li key={tier.tier_id}>
                <TierSwatch index={index} label={tier.name} />
                <span>{i18n.price(tier.price_minor, tier.currency)}</span>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </article>
  );
}
