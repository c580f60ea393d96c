// Tickets: the order confirmation (guests and signed-in buyers) and "My tickets" (signed in).
// Each ticket's QR code is drawn here from its signed payload, can be shown full screen for
// the gate's scanner, and downloaded as a PNG.
import type { Catalog, Sales } from '@boxoffice/api';
import { RequireSignIn, useApi } from '@boxoffice/auth';
import { ApiErrorState, Button, EmptyState, LoadingState, useRemote } from '@boxoffice/ui';
import QRCode from 'qrcode';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { type I18n, type MessageKey, useI18n } from './i18n.tsx';
import { guestOrderToken } from './orders.ts';

type Order = Sales.components['schemas']['Order'];
type Ticket = Sales.components['schemas']['Ticket'];

/** How long the confirmation waits for tickets to be issued after payment. */
const TICKETS_DEADLINE_MS = 30_000;

export function ConfirmationPage() {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const { orderId = '' } = useParams();
  const location = useLocation();
  const passed = (location.state as { order?: Order } | null)?.order;
  const accessToken = passed?.access_token ?? guestOrderToken(orderId);
  const order = useRemote(
    async (signal) => {
      // Tickets are issued right after payment; poll briefly until they are there.
      const deadline = Date.now() + TICKETS_DEADLINE_MS;
      const headers: Record<string, string> = accessToken ? { 'Order-Access-Token': accessToken } : {};
      let current = passed && passed.order_id === orderId ? passed : undefined;
      for (;;) {
        if (current && current.tickets.length > 0) return current;
        if (current && Date.now() > deadline) return current;
        if (current) await new Promise((resolve) => setTimeout(resolve, 1000));
        current = await api.sales.get('/api/sales/orders/{id}', { path: { id: orderId }, headers, signal });
      }
    },
    [api, orderId],
  );
  if (order.status === 'loading') return <LoadingState label={t('tickets.loading')} />;
  if (order.status === 'error')
    return <ApiErrorState error={order.error} onRetry={order.reload} what={t('tickets.what')} />;
  const data = order.data;
  return (
    <article className="confirmation">
      <div className="confirmation__head">
        <span className="confirmation__tick" aria-hidden="true">
          ✓
        </span>
        <h1 className="bx-page-title">{t('confirm.title')}</h1>
        <p className="confirmation__event">
          <EventName eventId={data.event_id} sessionId={data.session_id} />
        </p>
        <p>{t('confirm.body', { id: shortId(data.order_id), email: data.buyer.email })}</p>
        <p className="confirmation__total">{i18n.price(data.total_minor, data.currency)}</p>
      </div>
      <h2>{t('confirm.tickets')}</h2>
      {data.tickets.length === 0 ? <LoadingState label={t('checkout.processing')} /> : null}
      <ul className="tickets">
        {data.tickets.map((ticket) => (
          <TicketCard key={ticket.ticket_id} ticket={ticket} i18n={i18n} />
        ))}
      </ul>
      <p>
        <Link to="/">{t('confirm.more')}</Link>
      </p>
    </article>
  );
}

export function MyTicketsPage() {
  const { t } = useI18n();
  return (
    <RequireSignIn title={t('tickets.signIn')}>
      <MyTickets />
    </RequireSignIn>
  );
}

function MyTickets() {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const tickets = useRemote((signal) => api.sales.get('/api/sales/me/tickets', { signal }), [api]);
  if (tickets.status === 'loading') return <LoadingState label={t('tickets.loading')} />;
  if (tickets.status === 'error')
    return <ApiErrorState error={tickets.error} onRetry={tickets.reload} what={t('tickets.what')} />;
  const byOrder = new Map<string, Ticket[]>();
  for (const ticket of tickets.data.tickets) {
    byOrder.set(ticket.order_id, [...(byOrder.get(ticket.order_id) ?? []), ticket]);
  }
  return (
    <article className="my-tickets">
      <h1 className="bx-page-title">{t('tickets.title')}</h1>
      {byOrder.size === 0 ? (
        <EmptyState title={t('tickets.none')} action={<Link to="/">{t('nav.find')}</Link>}>
          <p>{t('tickets.noneBody')}</p>
        </EmptyState>
      ) : null}
      {[...byOrder.entries()].map(([orderId, list]) => (
        <section key={orderId} aria-labelledby={`order-${orderId}`} className="my-tickets__order">
          <h2 id={`order-${orderId}`}>
            <EventName eventId={list[0]?.event_id ?? ''} sessionId={list[0]?.session_id ?? ''} />{' '}
            <small>{t('tickets.order', { id: shortId(orderId) })}</small>
          </h2>
          <ul className="tickets">
            {list.map((ticket) => (
              <TicketCard key={ticket.ticket_id} ticket={ticket} i18n={i18n} />
            ))}
          </ul>
        </section>
      ))}
    </article>
  );
}

type EventDetail = Catalog.components['schemas']['EventDetail'];
const events = new Map<string, Promise<EventDetail | undefined>>();

/** The event's title and the session's date and venue, looked up once per event. */
function EventName({ eventId, sessionId }: { eventId: string; sessionId: string }) {
  const api = useApi();
  const i18n = useI18n();
  const [detail, setDetail] = useState<EventDetail | undefined>();
  useEffect(() => {
    let promise = events.get(eventId);
    if (!promise) {
      promise = api.catalog.get('/api/catalog/events/{id}', { path: { id: eventId } }).catch(() => undefined);
      events.set(eventId, promise);
    }
    let live = true;
    void promise.then((found) => live && setDetail(found));
    return () => {
      live = false;
    };
  }, [api, eventId]);
  if (!detail) return null;
  const session = detail.sessions.find((item) => item.session_id === sessionId);
  return (
    <>
      {detail.title}
      {session ? (
        <span className="my-tickets__when">
          {i18n.dateTime(session.starts_at, session.venue?.timezone)}
          {session.venue ? ` · ${session.venue.name}, ${session.venue.city}` : ''}
        </span>
      ) : null}
    </>
  );
}

export function shortId(id: string): string {
  return id.slice(0, 8).toUpperCase();
}

function TicketCard({ ticket, i18n }: { ticket: Ticket; i18n: I18n }) {
  const { t } = i18n;
  const [big, setBig] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const what = ticket.seat_label ? t('tickets.seat', { label: ticket.seat_label }) : t('checkout.standing');
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (big && !element.open) element.showModal();
    if (!big && element.open) element.close();
  }, [big]);
  const download = async () => {
    if (!ticket.qr) return;
    const url = await QRCode.toDataURL(ticket.qr, { errorCorrectionLevel: 'M', margin: 4, width: 720 });
    const link = document.createElement('a');
    link.href = url;
    link.download = `ticket-${ticket.seat_label ?? shortId(ticket.ticket_id)}.png`;
    link.click();
  };
  return (
    <li className="ticket" data-ticket-id={ticket.ticket_id}>
      <div className="ticket__info">
        <strong>{what}</strong>
        <span>{t('tickets.holder', { name: ticket.holder_name })}</span>
        <span className="ticket__number">{t('tickets.number', { number: ticket.ticket_number })}</span>
        <span>{i18n.price(ticket.price_minor, ticket.currency)}</span>
        <span className={`bx-badge ticket__status--${ticket.status}`}>
          {ticket.checked_in_at ? t('tickets.checkedIn') : t(`tickets.status.${ticket.status}` as MessageKey)}
        </span>
      </div>
      {ticket.qr ? (
        <>
          <QrImage code={ticket.qr} label={t('tickets.qr', { label: what })} size={168} />
          <div className="ticket__actions">
            <Button variant="secondary" onClick={() => setBig(true)}>
              {t('tickets.show')}
            </Button>
            <Button variant="ghost" onClick={() => void download()}>
              {t('tickets.download')}
            </Button>
          </div>
          <dialog ref={dialog} className="qr-dialog" aria-labelledby={titleId} onClose={() => setBig(false)}>
            <h2 id={titleId}>{what}</h2>
            {big ? <QrImage code={ticket.qr} label={t('tickets.qr', { label: what })} size={480} /> : null}
            <p>{ticket.holder_name}</p>
            <p className="ticket__number">{t('tickets.number', { number: ticket.ticket_number })}</p>
            <Button onClick={() => setBig(false)}>{t('tickets.close')}</Button>
          </dialog>
        </>
      ) : null}
    </li>
  );
}

/** The QR code of a ticket's signed payload, drawn on a canvas (dark on white, quiet zone kept). */
function QrImage({ code, label, size }: { code: string; label: string; size: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!canvas.current) return;
    QRCode.toCanvas(canvas.current, code, { errorCorrectionLevel: 'M', margin: 4, width: size }).catch(() =>
      setFailed(true),
    );
  }, [code, size]);
  if (failed) return <p>{code}</p>;
  return <canvas ref={canvas} className="qr" role="img" aria-label={label} data-qr={code} />;
}
