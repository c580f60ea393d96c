// Checkout of the held places: a countdown to the hold's expiry (extendable once), buyer
// details and a discount code priced by the server when the order is placed, then the sandbox
// payment. The order is placed with an Idempotency-Key, so a double submit or a retried request
// never makes a second order.
import { ApiError, type Sales } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import { Button, EmptyState, FormErrorProvider, FormErrorSummary, TextField } from '@boxoffice/ui';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { formatCountdown, type HeldPlaces, useHold, useSecondsLeft } from './hold.tsx';
import { type I18n, useI18n } from './i18n.tsx';
import { rememberGuestOrder } from './orders.ts';
import { errorText } from './session.tsx';

type Order = Sales.components['schemas']['Order'];

/** How long the checkout waits for a payment the provider settles later. */
const PAYMENT_DEADLINE_MS = 60_000;

/** Card numbers are typed with spaces; the sandbox wants the digits. */
export function cardDigits(text: string): string {
  return text.replace(/[\s-]/g, '');
}

/** One key per distinct order request: the same body sent again reuses it, a changed body gets a new one. */
export class IdempotencyKeys {
  private readonly keys = new Map<string, string>();
  constructor(private readonly make: () => string = () => crypto.randomUUID()) {}
  keyFor(body: unknown): string {
    const text = JSON.stringify(body);
    let key = this.keys.get(text);
    if (!key) {
      key = this.make();
      this.keys.set(text, key);
    }
    return key;
  }
}

export function CheckoutPage() {
  const holds = useHold();
  const { t } = useI18n();
  const [expiredSession, setExpiredSession] = useState<string | null>(null);
  const held = holds.current;
  if (expiredSession) {
    return (
      <EmptyState
        title={t('checkout.expiredTitle')}
        action={
          <Link
            className="bx-button bx-button--primary"
            to={`/sessions/${encodeURIComponent(expiredSession)}`}
          >
            {t('checkout.backToMap')}
          </Link>
        }
      >
        <p>{t('checkout.expiredBody')}</p>
      </EmptyState>
    );
  }
  if (!held) {
    return (
      <EmptyState title={t('checkout.noHold')} action={<Link to="/">{t('nav.find')}</Link>}>
        <p>{t('checkout.noHoldBody')}</p>
      </EmptyState>
    );
  }
  return (
    <Checkout
      key={held.hold.hold_token}
      held={held}
      onExpired={() => {
        setExpiredSession(held.hold.session_id);
        // The server frees them itself at expiry; releasing too covers a clock running ahead of it.
        void holds.release();
      }}
    />
  );
}

function Checkout({ held, onExpired }: { held: HeldPlaces; onExpired: () => void }) {
  const auth = useAuth();
  const holds = useHold();
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const id = useId();
  const seconds = useSecondsLeft(held.hold.expires_at);
  const [name, setName] = useState(auth.identity?.name ?? '');
  const [email, setEmail] = useState(auth.identity?.email ?? '');
  const [discount, setDiscount] = useState('');
  const [card, setCard] = useState('4242 4242 4242 4242');
  const [order, setOrder] = useState<Order | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [payMessage, setPayMessage] = useState<string | null>(null);
  const [extendNote, setExtendNote] = useState(false);
  const keys = useRef(new IdempotencyKeys());
  const submitting = useRef(false);
  const payHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (auth.identity) {
      setName((current) => current || auth.identity?.name || '');
      setEmail((current) => current || auth.identity?.email || '');
    }
  }, [auth.identity]);

  useEffect(() => {
    if (seconds === 0 && !order?.paid_at) onExpired();
  }, [seconds, order, onExpired]);

  const currency = held.tiers[0]?.currency ?? order?.currency ?? 'GBP';
  const tierOf = (tierId: string) => held.tiers.find((tier) => tier.tier_id === tierId);
  const estimate =
    held.hold.seats.reduce((sum, seat) => sum + (tierOf(seat.tier_id)?.price_minor ?? 0), 0) +
    held.hold.standing.reduce(
      (sum, area) => sum + area.quantity * (tierOf(area.tier_id)?.price_minor ?? 0),
      0,
    );

  const placeOrder = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting.current) return; // a second click while the first is on its way
    submitting.current = true;
    setBusy(true);
    setError(undefined);
    const body = {
      hold_token: held.hold.hold_token,
      buyer: { name: name.trim(), email: email.trim() },
      discount_code: discount.trim() || undefined,
    };
    try {
      const placed = await auth.api.sales.post('/api/sales/orders', {
        body,
        headers: { 'Idempotency-Key': keys.current.keyFor(body) },
      });
      if (placed.access_token) rememberGuestOrder(placed.order_id, placed.access_token);
      setOrder(placed);
      requestAnimationFrame(() => payHeading.current?.focus());
    } catch (cause) {
      setError(cause instanceof ApiError ? cause : ApiError.network('post', '/api/sales/orders', cause));
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  };

  const pay = async (event: FormEvent) => {
    event.preventDefault();
    if (!order || submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setPayMessage(null);
    const headers: Record<string, string> = {};
    if (order.access_token) headers['Order-Access-Token'] = order.access_token;
    try {
      const paid = await auth.api.sales.post('/api/sales/orders/{id}/pay', {
        path: { id: order.order_id },
        body: { payment_method: cardDigits(card) },
        headers,
      });
      if (paid.status === 'paid' || paid.status === 'ticketed') {
        holds.finish();
        navigate(`/orders/${encodeURIComponent(paid.order_id)}`, {
          state: { order: { ...paid, access_token: order.access_token } },
        });
        return;
      }
      // A payment the provider settles later: wait for it here, the hold's places are the order's now.
      setPayMessage(t('checkout.processing'));
      const deadline = Date.now() + PAYMENT_DEADLINE_MS;
      let current = paid;
      while (current.status === 'pending' && current.payments.some((p) => p.status === 'processing')) {
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 2000));
        current = await auth.api.sales.get('/api/sales/orders/{id}', {
          path: { id: order.order_id },
          headers,
        });
      }
      if (current.status === 'paid' || current.status === 'ticketed') {
        holds.finish();
        navigate(`/orders/${encodeURIComponent(current.order_id)}`, {
          state: { order: { ...current, access_token: order.access_token } },
        });
        return;
      }
      setOrder({ ...current, access_token: order.access_token });
      setPayMessage(
        current.payments.some((p) => p.status === 'failed') && current.status === 'pending'
          ? t('checkout.declined')
          : t('checkout.processing'),
      );
    } catch (cause) {
      setPayMessage(
        cause instanceof ApiError && cause.status === 402 ? t('checkout.declined') : errorText(cause),
      );
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  };

  const extend = async () => {
    try {
      const hold = await auth.api.sales.post('/api/sales/holds/{token}/extend', {
        path: { token: held.hold.hold_token },
      });
      holds.update(hold);
      setExtendNote(true);
    } catch (cause) {
      setPayMessage(errorText(cause));
    }
  };

  const cancel = async () => {
    const sessionId = held.hold.session_id;
    await holds.release();
    navigate(`/sessions/${encodeURIComponent(sessionId)}`);
  };

  const urgent = seconds <= 60;
  return (
    <article className="checkout">
      <p>
        {/* The hold survives the way back: the map shows these places as the buyer's. */}
        <Link to={`/sessions/${encodeURIComponent(held.hold.session_id)}`}>← {t('checkout.backToMap')}</Link>
      </p>
      <h1 className="bx-page-title">{t('checkout.title')}</h1>
      <div className={`countdown${urgent ? ' countdown--urgent' : ''}`} role="timer" aria-live="off">
        <span>{t('checkout.heldFor', { time: formatCountdown(seconds) })}</span>
        <span className="countdown__actions">
          {!held.hold.extended ? (
            <Button variant="secondary" onClick={() => void extend()}>
              {t('checkout.extend')}
            </Button>
          ) : null}
          <Button variant="ghost" onClick={() => void cancel()}>
            {t('checkout.cancel')}
          </Button>
        </span>
      </div>
      {/* Screen readers hear the time left at the last minute only, not every second. */}
      <p className="visually-hidden" aria-live="polite">
        {urgent ? t('checkout.heldFor', { time: formatCountdown(seconds) }) : ''}
        {extendNote ? t('checkout.extended') : ''}
      </p>
      <div className="checkout__layout">
        <section className="bx-card" aria-labelledby={`${id}-places`}>
          <h2 id={`${id}-places`}>{t('checkout.places')}</h2>
          <p className="checkout__event">
            <strong>{held.eventTitle}</strong>
            {held.startsAt ? <span>{i18n.dateTime(held.startsAt, held.timeZone)}</span> : null}
            {held.venue ? <span>{held.venue}</span> : null}
          </p>
          <OrderLines held={held} order={order} i18n={i18n} estimate={estimate} currency={currency} />
        </section>
        <div className="checkout__forms">
          <section className="bx-card" aria-labelledby={`${id}-buyer`}>
            <h2 id={`${id}-buyer`}>{t('checkout.buyer')}</h2>
            {auth.status !== 'signed-in' ? (
              <p className="checkout__guest">{t('checkout.guestNote')}</p>
            ) : null}
            <FormErrorProvider error={error}>
              <form onSubmit={(event) => void placeOrder(event)} noValidate={false}>
                <FormErrorSummary fields={['/buyer/name', '/buyer/email', '/discount_code']} />
                <TextField
                  label={t('checkout.name')}
                  pointer="/buyer/name"
                  value={name}
                  onChange={(event) => setName(event.target.value)}
                  autoComplete="name"
                  required
                  disabled={!!order}
                />
                <TextField
                  label={t('checkout.email')}
                  pointer="/buyer/email"
                  type="email"
                  value={email}
                  onChange={(event) => setEmail(event.target.value)}
                  autoComplete="email"
                  required
                  disabled={!!order}
                />
                <TextField
                  label={t('checkout.discount')}
                  pointer="/discount_code"
                  value={discount}
                  onChange={(event) => setDiscount(event.target.value)}
                  autoComplete="off"
                  disabled={!!order}
                />
                {!order ? (
                  <Button type="submit" busy={busy}>
                    {t('checkout.review')}
                  </Button>
                ) : null}
              </form>
            </FormErrorProvider>
          </section>
          {order ? (
            <section className="bx-card" aria-labelledby={`${id}-pay`}>
              <h2 id={`${id}-pay`} ref={payHeading} tabIndex={-1}>
                {t('checkout.payment')}
              </h2>
              <form onSubmit={(event) => void pay(event)}>
                <TextField
                  label={t('checkout.card')}
                  pointer="/payment_method"
                  hint={t('checkout.cardHint')}
                  value={card}
                  onChange={(event) => setCard(event.target.value)}
                  inputMode="numeric"
                  autoComplete="cc-number"
                  required
                />
                {payMessage ? (
                  <p className="bx-form-alert" role="alert">
                    {payMessage}
                  </p>
                ) : null}
                <Button type="submit" busy={busy}>
                  {t('checkout.pay', { total: i18n.price(order.total_minor, order.currency) })}
                </Button>
              </form>
            </section>
          ) : payMessage ? (
            <p className="bx-form-alert" role="alert">
              {payMessage}
            </p>
          ) : null}
        </div>
      </div>
    </article>
  );
}

function OrderLines({
  held,
  order,
  i18n,
  estimate,
  currency,
}: {
  held: HeldPlaces;
  order: Order | undefined;
  i18n: I18n;
  estimate: number;
  currency: string;
}) {
  const { t } = i18n;
  const tierName = (tierId: string) => held.tiers.find((tier) => tier.tier_id === tierId)?.name ?? '';
  const lines = order
    ? order.items.map((item, index) => ({
        key: `${item.seat_id ?? item.block_id}-${index}`,
        what: item.label ?? `${t('checkout.standing')} · ${held.blockNames[item.block_id] ?? ''}`,
        tier: tierName(item.tier_id),
        price: item.unit_price_minor,
      }))
    : [
        ...held.hold.seats.map((seat) => ({
          key: seat.seat_id,
          what: seat.label,
          tier: tierName(seat.tier_id),
          price: held.tiers.find((tier) => tier.tier_id === seat.tier_id)?.price_minor ?? 0,
        })),
        ...held.hold.standing.flatMap((area) =>
          Array.from({ length: area.quantity }, (_, index) => ({
            key: `${area.block_id}-${index}`,
            what: `${t('checkout.standing')} · ${held.blockNames[area.block_id] ?? ''}`,
            tier: tierName(area.tier_id),
            price: held.tiers.find((tier) => tier.tier_id === area.tier_id)?.price_minor ?? 0,
          })),
        ),
      ];
  const money = (minor: number) => i18n.price(minor, order?.currency ?? currency);
  return (
    <table className="order-lines">
      <tbody>
        {lines.map((line) => (
          <tr key={line.key}>
            <th scope="row">
              {line.what}
              <small>{line.tier}</small>
            </th>
            <td>{money(line.price)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        {order && order.discount_minor > 0 ? (
          <>
            <tr>
              <th scope="row">{t('checkout.subtotal')}</th>
              <td>{money(order.subtotal_minor)}</td>
            </tr>
            <tr>
              <th scope="row">{t('checkout.discountLine', { code: order.discount_code ?? '' })}</th>
              <td>−{money(order.discount_minor)}</td>
            </tr>
          </>
        ) : null}
        <tr className="order-lines__total">
          <th scope="row">{t('checkout.total')}</th>
          <td>{money(order ? order.total_minor : estimate)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
