// The event wizard: one step per URL (/events/:id/edit/:step), each saving to the API as it
// goes, so a draft survives closing the tab. Errors from the API land on the field their
// JSON pointer names; the review step lists what publishing still needs, linking to its step.
import { ApiError } from '@boxoffice/api';
import { useAuth } from '@boxoffice/auth';
import {
  ApiErrorState,
  Button,
  ConfirmDialog,
  FormErrorProvider,
  FormErrorSummary,
  formatDateTime,
  formatPrice,
  LoadingState,
  SelectField,
  TextField,
  TIER_PALETTE,
  useRemote,
  useToast,
} from '@boxoffice/ui';
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { SeatMapStep } from './designer/Designer.tsx';
import {
  CATEGORIES,
  CURRENCIES,
  type Discount,
  type EventRecord,
  isoToVenueLocal,
  parseMoney,
  rememberedVenue,
  rememberVenue,
  type Session,
  type Tier,
  timeZones,
  type Venue,
  venueLocalToIso,
} from './lib.ts';
import { useOrganisations } from './organisation.tsx';

export const STEPS = [
  { id: 'details', label: 'Details' },
  { id: 'venue', label: 'Venue' },
  { id: 'tiers', label: 'Price tiers' },
  { id: 'seat-map', label: 'Seat map' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'discounts', label: 'Discount codes' },
  { id: 'review', label: 'Review and publish' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

function stepPath(eventId: string, step: StepId): string {
  return `/events/${eventId}/edit/${step}`;
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(
    0,
    { code: 'client', message: error instanceof Error ? error.message : String(error) },
    '',
    '',
  );
}

/** The frame around every step: where you are, and the steps you can jump to. */
function WizardFrame({
  eventId,
  step,
  title,
  children,
}: {
  eventId: string | undefined;
  step: StepId;
  title: string | undefined;
  children: ReactNode;
}) {
  const current = STEPS.find((item) => item.id === step);
  return (
    <div className="wizard">
      <p className="wizard__crumb">
        <Link to="/events">Events</Link> ›{' '}
        {eventId ? <Link to={`/events/${eventId}`}>{title || 'Untitled event'}</Link> : 'New event'}
      </p>
      <h1 className="bx-page-title">{eventId ? `Edit “${title || 'Untitled event'}”` : 'Create an event'}</h1>
      <nav aria-label="Steps" className="wizard__steps">
        <ol>
          {STEPS.map((item, index) => (
            <li key={item.id}>
              {eventId ? (
                <Link to={stepPath(eventId, item.id)} aria-current={item.id === step ? 'step' : undefined}>
                  <span className="wizard__number" aria-hidden="true">
                    {index + 1}
                  </span>
                  {item.label}
                </Link>
              ) : (
                <span aria-current={item.id === step ? 'step' : undefined} className="wizard__disabled">
                  <span className="wizard__number" aria-hidden="true">
                    {index + 1}
                  </span>
                  {item.label}
                </span>
              )}
            </li>
          ))}
        </ol>
      </nav>
      <section className="bx-card wizard__body" aria-labelledby="step-title">
        <h2 id="step-title">{current?.label}</h2>
        {children}
      </section>
    </div>
  );
}

export function WizardPage() {
  const { eventId, step = 'details' } = useParams();
  const auth = useAuth();
  const event = useRemote<EventRecord | null>(
    (signal) =>
      eventId
        ? auth.api.manage.get('/api/manage/events/{id}', { path: { id: eventId }, signal })
        : Promise.resolve(null),
    [auth.api, eventId],
  );
  const known = STEPS.find((item) => item.id === step);
  if (!known) return <ApiErrorState error={new Error(`There is no step “${step}”.`)} what="this step" />;
  if (event.status === 'loading') return <LoadingState label="Loading the event…" />;
  if (event.status === 'error')
    return <ApiErrorState error={event.error} onRetry={event.reload} what="the event" />;
  const record = event.data;
  const body = (() => {
    if (!record || known.id === 'details') return <DetailsStep event={record} onSaved={event.reload} />;
    switch (known.id) {
      case 'venue':
        return <VenueStep event={record} />;
      case 'tiers':
        return <TiersStep event={record} />;
      case 'seat-map':
        return <SeatMapStep event={record} next={stepPath(record.event_id, 'sessions')} />;
      case 'sessions':
        return <SessionsStep event={record} />;
      case 'discounts':
        return <DiscountsStep event={record} />;
      case 'review':
        return <ReviewStep event={record} onPublished={event.reload} />;
    }
  })();
  return (
    <WizardFrame eventId={record?.event_id} step={record ? known.id : 'details'} title={record?.title}>
      {body}
    </WizardFrame>
  );
}

function StepActions({
  busy,
  label = 'Save and continue',
  children,
}: {
  busy?: boolean;
  label?: string;
  children?: ReactNode;
}) {
  return (
    <div className="wizard__actions">
      {children}
      <Button type="submit" busy={busy}>
        {label}
      </Button>
    </div>
  );
}

// --- details

function TextArea({
  label,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="bx-field">
      <label className="bx-field__label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <span className="bx-field__hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      <textarea
        id={id}
        className="bx-field__control"
        rows={5}
        value={value}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}

function DetailsStep({ event, onSaved }: { event: EventRecord | null; onSaved: () => void }) {
  const auth = useAuth();
  const navigate = useNavigate();
  const toast = useToast();
  const { current } = useOrganisations();
  const [title, setTitle] = useState(event?.title ?? '');
  const [description, setDescription] = useState(event?.description ?? '');
  const [category, setCategory] = useState(event?.category_id ?? '');
  const [cover, setCover] = useState(event?.cover_image_urls[0] ?? '');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      title,
      description,
      category_id: category || null,
      cover_image_urls: cover.trim() ? [cover.trim()] : [],
    };
    try {
      let id = event?.event_id;
      if (id) {
        await auth.api.manage.patch('/api/manage/events/{id}', { path: { id }, body });
        onSaved();
      } else {
        if (!current) throw new Error('Choose an organisation first.');
        const created = await auth.api.manage.post('/api/manage/events', {
          body: { ...body, organisation_id: current.organisation_id },
        });
        id = created.event_id;
      }
      toast.show('Details saved', 'success');
      navigate(stepPath(id, 'venue'));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormErrorProvider error={error}>
      <form onSubmit={submit} noValidate>
        <FormErrorSummary fields={['/title', '/description', '/category_id', '/cover_image_urls']} />
        {!event && current ? <p className="wizard__hint">The event will belong to {current.name}.</p> : null}
        <TextField
          label="Title"
          pointer="/title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          required
          maxLength={200}
        />
        <TextArea
          label="Description"
          value={description}
          onChange={setDescription}
          hint="What people will see on the event page. Plain text; blank lines start new paragraphs."
        />
        <SelectField
          label="Category"
          pointer="/category_id"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
        >
          <option value="">Choose a category…</option>
          {CATEGORIES.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Cover image URL"
          pointer="/cover_image_urls/0"
          type="url"
          inputMode="url"
          placeholder="https://…"
          value={cover}
          hint="An https:// address of a landscape image, at least 1200 pixels wide."
          onChange={(e) => setCover(e.target.value)}
        />
        {event || current ? (
          <StepActions busy={busy} label={event ? 'Save and continue' : 'Create draft and continue'} />
        ) : (
          <LoadingState label="Loading your organisation…" />
        )}
      </form>
    </FormErrorProvider>
  );
}

// --- venue

/** The organisation's venues: the API lists none, so they are found through its events' sessions. */
function useOrganisationVenues(organisationId: string | undefined, extra: string | null) {
  const auth = useAuth();
  return useRemote<Venue[]>(
    async (signal) => {
      if (!organisationId) return [];
      const events = await auth.api.manage.get('/api/manage/events', {
        query: { organisation_id: organisationId, per_page: 30 },
        signal,
      });
      const ids = new Set<string>(extra ? [extra] : []);
      const lists = await Promise.all(
        events.items.map((item) =>
          auth.api.manage
            .get('/api/manage/events/{id}/sessions', { path: { id: item.event_id }, signal })
            .catch(() => []),
        ),
      );
      for (const sessions of lists)
        for (const session of sessions) if (session.venue_id) ids.add(session.venue_id);
      for (const item of events.items) {
        const remembered = rememberedVenue(item.event_id);
        if (remembered) ids.add(remembered);
      }
      const venues = await Promise.all(
        [...ids].map((id) =>
          auth.api.manage.get('/api/manage/venues/{id}', { path: { id }, signal }).catch(() => null),
        ),
      );
      return venues
        .filter((venue): venue is Venue => venue !== null && venue.organisation_id === organisationId)
        .sort((a, b) => a.name.localeCompare(b.name));
    },
    [auth.api, organisationId, extra],
  );
}

/** The venue of an event: its first session's, else the one chosen in the wizard. */
function useEventVenue(eventId: string) {
  const auth = useAuth();
  return useRemote<{ venue: Venue | null; sessions: Session[] }>(
    async (signal) => {
      const sessions = await auth.api.manage.get('/api/manage/events/{id}/sessions', {
        path: { id: eventId },
        signal,
      });
      const venueId = sessions.find((s) => s.venue_id)?.venue_id ?? rememberedVenue(eventId);
      const venue = venueId
        ? await auth.api.manage
            .get('/api/manage/venues/{id}', { path: { id: venueId }, signal })
            .catch(() => null)
        : null;
      return { venue, sessions };
    },
    [auth.api, eventId],
  );
}

function VenueStep({ event }: { event: EventRecord }) {
  const auth = useAuth();
  const navigate = useNavigate();
  const toast = useToast();
  const chosen = useEventVenue(event.event_id);
  const venues = useOrganisationVenues(event.organisation_id, chosen.data?.venue?.venue_id ?? null);
  const [selected, setSelected] = useState<string>('');
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const current = chosen.data?.venue?.venue_id ?? '';
  const list = venues.data ?? [];
  const picked = selected || current || (list.length === 0 ? 'new' : '');
  const showCreate = creating || picked === 'new';

  const chooseVenue = async (venueId: string) => {
    rememberVenue(event.event_id, venueId);
    // Sessions not yet on sale follow the event's venue.
    for (const session of chosen.data?.sessions ?? []) {
      if (session.status === 'SCHEDULED' && session.venue_id !== venueId)
        await auth.api.manage.patch('/api/manage/sessions/{id}', {
          path: { id: session.session_id },
          body: { venue_id: venueId },
        });
    }
    toast.show('Venue saved', 'success');
    navigate(stepPath(event.event_id, 'tiers'));
  };

  const submitChoice = async (e: FormEvent) => {
    e.preventDefault();
    if (!picked || picked === 'new') return;
    setBusy(true);
    try {
      await chooseVenue(picked);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  if (chosen.status === 'loading' || venues.status === 'loading')
    return <LoadingState label="Loading venues…" />;
  if (chosen.status === 'error')
    return <ApiErrorState error={chosen.error} onRetry={chosen.reload} what="the venue" />;
  return (
    <>
      {list.length > 0 ? (
        <FormErrorProvider error={showCreate ? undefined : error}>
          <form onSubmit={submitChoice}>
            <FormErrorSummary fields={[]} />
            <fieldset className="choice-list">
              <legend>Where does it happen?</legend>
              {list.map((venue) => (
                <label key={venue.venue_id} className="choice">
                  <input
                    type="radio"
                    name="venue"
                    value={venue.venue_id}
                    checked={picked === venue.venue_id}
                    onChange={() => {
                      setSelected(venue.venue_id);
                      setCreating(false);
                    }}
                  />
                  <span>
                    <strong>{venue.name}</strong>
                    <span className="choice__meta">
                      {venue.address_line}, {venue.city} · {venue.timezone}
                    </span>
                  </span>
                </label>
              ))}
              <label className="choice">
                <input
                  type="radio"
                  name="venue"
                  value="new"
                  checked={picked === 'new'}
                  onChange={() => {
                    setSelected('new');
                    setCreating(true);
                  }}
                />
                <span>
                  <strong>A new venue</strong>
                  <span className="choice__meta">Add its address and time zone</span>
                </span>
              </label>
            </fieldset>
            {!showCreate ? <StepActions busy={busy} label="Use this venue and continue" /> : null}
          </form>
        </FormErrorProvider>
      ) : null}
      {showCreate ? (
        <NewVenueForm
          organisationId={event.organisation_id}
          onCreated={async (venue) => {
            try {
              await chooseVenue(venue.venue_id);
            } catch (caught) {
              setError(asApiError(caught));
            }
          }}
        />
      ) : null}
    </>
  );
}

function NewVenueForm({
  organisationId,
  onCreated,
}: {
  organisationId: string;
  onCreated: (venue: Venue) => Promise<void>;
}) {
  const auth = useAuth();
  const [fields, setFields] = useState({
    name: '',
    address_line: '',
    city: '',
    postcode: '',
    country: '',
    latitude: '',
    longitude: '',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/London',
  });
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) =>
    setFields((all) => ({ ...all, [name]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const venue = await auth.api.manage.post('/api/manage/venues', {
        body: {
          organisation_id: organisationId,
          name: fields.name,
          address_line: fields.address_line,
          city: fields.city,
          postcode: fields.postcode.trim() || null,
          country: fields.country,
          latitude: fields.latitude.trim() === '' ? Number.NaN : Number(fields.latitude),
          longitude: fields.longitude.trim() === '' ? Number.NaN : Number(fields.longitude),
          timezone: fields.timezone,
        },
      });
      await onCreated(venue);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  const zones = timeZones();
  return (
    <FormErrorProvider error={error}>
      <form onSubmit={submit} noValidate className="venue-form">
        <h3>New venue</h3>
        <FormErrorSummary
          fields={[
            '/name',
            '/address_line',
            '/city',
            '/postcode',
            '/country',
            '/latitude',
            '/longitude',
            '/timezone',
          ]}
        />
        <TextField label="Venue name" pointer="/name" value={fields.name} onChange={set('name')} required />
        <TextField
          label="Address"
          pointer="/address_line"
          value={fields.address_line}
          onChange={set('address_line')}
          required
        />
        <div className="form-row">
          <TextField label="City" pointer="/city" value={fields.city} onChange={set('city')} required />
          <TextField
            label="Postcode"
            pointer="/postcode"
            value={fields.postcode}
            onChange={set('postcode')}
          />
          <TextField
            label="Country code"
            pointer="/country"
            value={fields.country}
            onChange={set('country')}
            maxLength={2}
            hint="Two letters, e.g. GB"
            required
          />
        </div>
        <div className="form-row">
          <TextField
            label="Latitude"
            pointer="/latitude"
            inputMode="decimal"
            value={fields.latitude}
            onChange={set('latitude')}
            hint="e.g. 51.5072"
            required
          />
          <TextField
            label="Longitude"
            pointer="/longitude"
            inputMode="decimal"
            value={fields.longitude}
            onChange={set('longitude')}
            hint="e.g. -0.1276"
            required
          />
        </div>
        <SelectField
          label="Time zone"
          pointer="/timezone"
          value={fields.timezone}
          onChange={set('timezone')}
          hint="Session times are entered and shown in this zone."
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, ' ')}
            </option>
          ))}
        </SelectField>
        <StepActions busy={busy} label="Create venue and continue" />
      </form>
    </FormErrorProvider>
  );
}

// --- tiers

function TiersStep({ event }: { event: EventRecord }) {
  const auth = useAuth();
  const navigate = useNavigate();
  const toast = useToast();
  const tiers = useRemote<Tier[]>(
    (signal) =>
      auth.api.manage.get('/api/manage/events/{id}/tiers', { path: { id: event.event_id }, signal }),
    [auth.api, event.event_id],
  );
  const [removing, setRemoving] = useState<Tier>();
  const [removeError, setRemoveError] = useState<string>();
  const list = tiers.data ?? [];
  const remove = async () => {
    if (!removing) return;
    try {
      await auth.api.manage.delete('/api/manage/tiers/{id}', { path: { id: removing.tier_id } });
      toast.show(`Removed “${removing.name}”`, 'success');
      setRemoving(undefined);
      tiers.reload();
    } catch (caught) {
      setRemoveError(asApiError(caught).message);
    }
  };
  return (
    <>
      <p className="wizard__hint">
        Each tier is a price; the seat map gives every seat and standing area one of them.
      </p>
      {tiers.status === 'loading' ? <LoadingState label="Loading tiers…" /> : null}
      {tiers.status === 'error' ? (
        <ApiErrorState error={tiers.error} onRetry={tiers.reload} what="the tiers" />
      ) : null}
      {tiers.status === 'ready' && list.length === 0 ? (
        <p className="empty-line">No tiers yet: add the first below.</p>
      ) : null}
      {list.length > 0 ? (
        <ul className="tier-list">
          {list.map((tier) => (
            <li key={tier.tier_id}>
              <TierBadge tier={tier} />
              <span className="tier-list__price">{formatPrice(tier.price_minor, tier.currency)}</span>
              <Button
                variant="ghost"
                onClick={() => {
                  setRemoveError(undefined);
                  setRemoving(tier);
                }}
              >
                Remove<span className="visually-hidden"> {tier.name}</span>
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
      <NewTierForm eventId={event.event_id} tiers={list} onCreated={tiers.reload} />
      <div className="wizard__actions">
        <Button
          disabled={list.length === 0}
          onClick={() => navigate(stepPath(event.event_id, 'seat-map'))}
          aria-describedby={list.length === 0 ? 'tiers-needed' : undefined}
        >
          Continue to the seat map
        </Button>
        {list.length === 0 ? (
          <span id="tiers-needed" className="wizard__hint">
            Add at least one tier first.
          </span>
        ) : null}
      </div>
      <ConfirmDialog
        open={!!removing}
        title={`Remove the tier “${removing?.name ?? ''}”?`}
        confirmLabel="Remove tier"
        danger
        onConfirm={remove}
        onCancel={() => setRemoving(undefined)}
      >
        <p>
          Seats of the seat map that use it must get another tier first; the tier cannot be removed while the
          map uses it.
        </p>
        {removeError ? (
          <p className="bx-form-alert" role="alert">
            {removeError}
          </p>
        ) : null}
      </ConfirmDialog>
    </>
  );
}

export function TierBadge({ tier }: { tier: Pick<Tier, 'name' | 'colour'> }) {
  const style = TIER_PALETTE.find((item) => item.colour.toLowerCase() === tier.colour.toLowerCase());
  return (
    <span className="bx-tier">
      <span
        className="bx-tier__swatch"
        style={{ background: tier.colour, color: style?.ink ?? '#fff' }}
        aria-hidden="true"
      >
        {style?.shape ?? '●'}
      </span>
      <span>{tier.name}</span>
    </span>
  );
}

function NewTierForm({
  eventId,
  tiers,
  onCreated,
}: {
  eventId: string;
  tiers: Tier[];
  onCreated: () => void;
}) {
  const auth = useAuth();
  const lockedCurrency = tiers[0]?.currency;
  const nextColour = TIER_PALETTE[tiers.length % TIER_PALETTE.length]?.colour ?? '#0072B2';
  const [name, setName] = useState('');
  const [price, setPrice] = useState('');
  const [currency, setCurrency] = useState(lockedCurrency ?? 'GBP');
  const [colour, setColour] = useState<string>('');
  const [error, setError] = useState<ApiError>();
  const [local, setLocal] = useState<string>();
  const [busy, setBusy] = useState(false);
  const effectiveCurrency = lockedCurrency ?? currency;
  const effectiveColour = colour || nextColour;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setLocal(undefined);
    setError(undefined);
    const minor = parseMoney(price, effectiveCurrency);
    if (minor === undefined) {
      setLocal('Enter a price such as 25.00');
      return;
    }
    setBusy(true);
    try {
      await auth.api.manage.post('/api/manage/events/{id}/tiers', {
        path: { id: eventId },
        body: { name, colour: effectiveColour, price_minor: minor, currency: effectiveCurrency },
      });
      setName('');
      setPrice('');
      setColour('');
      onCreated();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormErrorProvider error={error}>
      <form onSubmit={submit} noValidate className="tier-form">
        <h3>Add a tier</h3>
        <FormErrorSummary fields={['/name', '/price_minor', '/currency', '/colour']} />
        <div className="form-row">
          <TextField
            label="Tier name"
            pointer="/name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
          />
          <TextField
            label="Price"
            pointer="/price_minor"
            inputMode="decimal"
            value={price}
            error={local}
            onChange={(e) => setPrice(e.target.value)}
            required
          />
          <SelectField
            label="Currency"
            pointer="/currency"
            value={effectiveCurrency}
            disabled={!!lockedCurrency}
            hint={lockedCurrency ? 'All tiers of an event share one currency.' : undefined}
            onChange={(e) => setCurrency(e.target.value)}
          >
            {CURRENCIES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </SelectField>
        </div>
        <fieldset className="swatches">
          <legend>Colour on the seat map</legend>
          {TIER_PALETTE.map((style) => (
            <label key={style.colour} className="swatch">
              <input
                type="radio"
                name="tier-colour"
                value={style.colour}
                checked={effectiveColour === style.colour}
                onChange={() => setColour(style.colour)}
              />
              <span
                className="bx-tier__swatch"
                style={{ background: style.colour, color: style.ink }}
                aria-hidden="true"
              >
                {style.shape}
              </span>
              <span className="visually-hidden">{style.name}</span>
            </label>
          ))}
        </fieldset>
        <div className="wizard__actions">
          <Button type="submit" variant="secondary" busy={busy}>
            Add tier
          </Button>
        </div>
      </form>
    </FormErrorProvider>
  );
}

// --- sessions

function SessionsStep({ event }: { event: EventRecord }) {
  const navigate = useNavigate();
  const auth = useAuth();
  const context = useEventVenue(event.event_id);
  // A session copies the event's seat map when it is added, and follows it from then on; one
  // added before there is a map has none, so sessions wait for the map.
  const layout = useRemote(
    (signal) =>
      auth.api.manage
        .get('/api/manage/events/{id}/layout', { path: { id: event.event_id }, signal })
        .then((stored) => stored.seat_count + stored.standing_capacity > 0)
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return false;
          throw error;
        }),
    [auth.api, event.event_id],
  );
  if (context.status === 'loading' || layout.status === 'loading')
    return <LoadingState label="Loading sessions…" />;
  if (layout.status === 'error')
    return <ApiErrorState error={layout.error} onRetry={layout.reload} what="the seat map" />;
  if (context.status === 'error')
    return <ApiErrorState error={context.error} onRetry={context.reload} what="the sessions" />;
  const { venue, sessions } = context.data;
  const zone = venue?.timezone ?? 'UTC';
  return (
    <>
      {venue ? (
        <p className="wizard__hint">
          At {venue.name}, {venue.city}. Times are in the venue’s time zone, {zone.replace(/_/g, ' ')}.
        </p>
      ) : (
        <p className="bx-form-alert" role="alert">
          Choose a venue first: <Link to={stepPath(event.event_id, 'venue')}>go to the venue step</Link>.
        </p>
      )}
      {sessions.length === 0 ? (
        <p className="empty-line">No sessions yet: add the first below.</p>
      ) : (
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.session_id}>
              <strong>{formatDateTime(session.starts_at, { timeZone: zone })}</strong>
              <span className="choice__meta">
                until {formatDateTime(session.ends_at, { timeZone: zone })} · sales{' '}
                {formatDateTime(session.sales_start_at, { timeZone: zone })} –{' '}
                {formatDateTime(session.sales_end_at, { timeZone: zone })} ·{' '}
                {session.capacity.toLocaleString()} places
              </span>
            </li>
          ))}
        </ul>
      )}
      {venue && !layout.data ? (
        <p className="bx-form-alert" role="alert">
          Draw the seat map first, so every session starts with it:{' '}
          <Link to={stepPath(event.event_id, 'seat-map')}>go to the seat map</Link>.
        </p>
      ) : null}
      {venue && layout.data ? (
        <NewSessionForm
          eventId={event.event_id}
          venue={venue}
          last={sessions.at(-1)}
          onCreated={context.reload}
        />
      ) : null}
      <div className="wizard__actions">
        <Button
          disabled={sessions.length === 0}
          onClick={() => navigate(stepPath(event.event_id, 'discounts'))}
        >
          Continue to discount codes
        </Button>
      </div>
    </>
  );
}

/** A week after the last session (the usual run of a show), else a month from today. */
function defaultTimes(zone: string, last?: Session) {
  if (last) {
    const week = (iso: string) =>
      isoToVenueLocal(new Date(Date.parse(iso) + 7 * 86_400_000).toISOString(), zone);
    return {
      starts: week(last.starts_at),
      ends: week(last.ends_at),
      salesStart: isoToVenueLocal(last.sales_start_at, zone),
      salesEnd: week(last.sales_end_at),
    };
  }
  const start = new Date(Date.now() + 30 * 86_400_000);
  const day = isoToVenueLocal(start.toISOString(), zone).slice(0, 10);
  const today = isoToVenueLocal(new Date().toISOString(), zone).slice(0, 10);
  return {
    starts: `${day}T19:30`,
    ends: `${day}T22:00`,
    salesStart: `${today}T09:00`,
    salesEnd: `${day}T19:00`,
  };
}

function NewSessionForm({
  eventId,
  venue,
  last,
  onCreated,
}: {
  eventId: string;
  venue: Venue;
  last: Session | undefined;
  onCreated: () => void;
}) {
  const auth = useAuth();
  const [times, setTimes] = useState(() => defaultTimes(venue.timezone, last));
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof times) => (e: { target: { value: string } }) =>
    setTimes((all) => ({ ...all, [name]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const zone = venue.timezone;
    const fields = {
      starts_at: venueLocalToIso(times.starts, zone),
      ends_at: venueLocalToIso(times.ends, zone),
      sales_start_at: venueLocalToIso(times.salesStart, zone),
      sales_end_at: venueLocalToIso(times.salesEnd, zone),
    };
    const missing = Object.entries(fields).find(([, value]) => !value);
    if (missing) {
      setError(
        new ApiError(
          422,
          { code: 'client', message: 'Enter a date and time.', field: `/${missing[0]}` },
          '',
          '',
        ),
      );
      return;
    }
    setBusy(true);
    try {
      await auth.api.manage.post('/api/manage/events/{id}/sessions', {
        path: { id: eventId },
        body: {
          mode: 'physical',
          venue_id: venue.venue_id,
          starts_at: fields.starts_at ?? '',
          ends_at: fields.ends_at ?? '',
          sales_start_at: fields.sales_start_at ?? '',
          sales_end_at: fields.sales_end_at ?? '',
        },
      });
      onCreated();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormErrorProvider error={error}>
      <form onSubmit={submit} noValidate className="session-form">
        <h3>Add a session</h3>
        <FormErrorSummary
          fields={['/starts_at', '/ends_at', '/sales_start_at', '/sales_end_at', '/venue_id']}
        />
        <div className="form-row">
          <TextField
            label="Starts"
            pointer="/starts_at"
            type="datetime-local"
            value={times.starts}
            onChange={set('starts')}
            required
          />
          <TextField
            label="Ends"
            pointer="/ends_at"
            type="datetime-local"
            value={times.ends}
            onChange={set('ends')}
            required
          />
        </div>
        <div className="form-row">
          <TextField
            label="Sales open"
            pointer="/sales_start_at"
            type="datetime-local"
            value={times.salesStart}
            onChange={set('salesStart')}
            required
          />
          <TextField
            label="Sales close"
            pointer="/sales_end_at"
            type="datetime-local"
            value={times.salesEnd}
            onChange={set('salesEnd')}
            hint="No later than the session ends."
            required
          />
        </div>
        <div className="wizard__actions">
          <Button type="submit" variant="secondary" busy={busy}>
            Add session
          </Button>
        </div>
      </form>
    </FormErrorProvider>
  );
}

// --- discounts

type DiscountKind = 'percentage' | 'flat' | 'buy_n_get_m';

function describeRule(discount: Discount, currency: string | undefined): string {
  const rule = discount.rule as unknown as {
    kind: {
      type: DiscountKind;
      percent_bp?: number;
      amount_minor?: number;
      currency?: string;
      buy?: number;
      get?: number;
    };
  };
  const kind = rule.kind;
  if (kind.type === 'percentage') return `${(kind.percent_bp ?? 0) / 100} % off`;
  if (kind.type === 'flat')
    return `${formatPrice(kind.amount_minor ?? 0, kind.currency ?? currency ?? 'GBP')} off`;
  return `buy ${kind.buy}, get ${kind.get} free`;
}

function DiscountsStep({ event }: { event: EventRecord }) {
  const auth = useAuth();
  const navigate = useNavigate();
  const data = useRemote(
    async (signal) => {
      const path = { id: event.event_id };
      const [discounts, tiers, context] = await Promise.all([
        auth.api.manage.get('/api/manage/events/{id}/discounts', { path, signal }),
        auth.api.manage.get('/api/manage/events/{id}/tiers', { path, signal }),
        auth.api.manage.get('/api/manage/events/{id}/sessions', { path, signal }),
      ]);
      const venueId = context.find((s) => s.venue_id)?.venue_id ?? rememberedVenue(event.event_id);
      const venue = venueId
        ? await auth.api.manage
            .get('/api/manage/venues/{id}', { path: { id: venueId }, signal })
            .catch(() => null)
        : null;
      return { discounts, tiers, sessions: context, zone: venue?.timezone ?? 'UTC' };
    },
    [auth.api, event.event_id],
  );
  if (data.status === 'loading') return <LoadingState label="Loading discount codes…" />;
  if (data.status === 'error')
    return <ApiErrorState error={data.error} onRetry={data.reload} what="the discount codes" />;
  const { discounts, tiers, sessions, zone } = data.data;
  const currency = tiers[0]?.currency;
  return (
    <>
      <p className="wizard__hint">
        Optional. Public codes may be shown on the event page; secret ones only work when typed in.
      </p>
      {discounts.length === 0 ? (
        <p className="empty-line">No discount codes.</p>
      ) : (
        <ul className="session-list">
          {discounts.map((discount) => (
            <li key={discount.discount_id}>
              <strong className="code">{discount.code}</strong>
              <span className="choice__meta">
                {describeRule(discount, currency)} · {discount.is_public ? 'public' : 'secret'}
                {discount.max_total_uses ? ` · ${discount.max_total_uses} uses in all` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      <NewDiscountForm
        eventId={event.event_id}
        tiers={tiers}
        sessions={sessions}
        zone={zone}
        currency={currency}
        onCreated={data.reload}
      />
      <div className="wizard__actions">
        <Button onClick={() => navigate(stepPath(event.event_id, 'review'))}>Continue to review</Button>
      </div>
    </>
  );
}

function NewDiscountForm({
  eventId,
  tiers,
  sessions,
  zone,
  currency,
  onCreated,
}: {
  eventId: string;
  tiers: Tier[];
  sessions: Session[];
  zone: string;
  currency: string | undefined;
  onCreated: () => void;
}) {
  const auth = useAuth();
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<DiscountKind>('percentage');
  const [percent, setPercent] = useState('10');
  const [amount, setAmount] = useState('');
  const [buy, setBuy] = useState('2');
  const [get, setGet] = useState('1');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [maxTotal, setMaxTotal] = useState('');
  const [maxPerCustomer, setMaxPerCustomer] = useState('');
  const [tierIds, setTierIds] = useState<string[]>([]);
  const [sessionIds, setSessionIds] = useState<string[]>([]);
  const [isPublic, setIsPublic] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const money = currency ?? 'GBP';
  const fail = (field: string, message: string) =>
    setError(new ApiError(422, { code: 'client', message, field }, '', ''));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let ruleKind: Record<string, unknown>;
    if (kind === 'percentage') {
      const value = Number(percent);
      if (!(value > 0 && value <= 100))
        return fail('/rule/kind/percent_bp', 'Enter a percentage between 0 and 100.');
      ruleKind = { type: 'percentage', percent_bp: Math.round(value * 100) };
    } else if (kind === 'flat') {
      const minor = parseMoney(amount, money);
      if (minor === undefined) return fail('/rule/kind/amount_minor', 'Enter an amount such as 5.00');
      ruleKind = { type: 'flat', amount_minor: minor, currency: money };
    } else {
      ruleKind = { type: 'buy_n_get_m', buy: Number(buy), get: Number(get) };
    }
    const toInt = (text: string) => (text.trim() ? Number(text) : null);
    setBusy(true);
    try {
      await auth.api.manage.post('/api/manage/events/{id}/discounts', {
        path: { id: eventId },
        body: {
          code,
          rule: {
            kind: ruleKind,
            ...(tierIds.length ? { tier_ids: tierIds } : {}),
            ...(sessionIds.length ? { session_ids: sessionIds } : {}),
          } as unknown as Record<string, never>,
          starts_at: startsAt ? (venueLocalToIso(startsAt, zone) ?? null) : null,
          ends_at: endsAt ? (venueLocalToIso(endsAt, zone) ?? null) : null,
          max_total_uses: toInt(maxTotal),
          max_uses_per_customer: toInt(maxPerCustomer),
          is_public: isPublic,
        },
      });
      setCode('');
      onCreated();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (list: string[], set: (next: string[]) => void, id: string) =>
    set(list.includes(id) ? list.filter((item) => item !== id) : [...list, id]);
  return (
    <FormErrorProvider error={error}>
      <form onSubmit={submit} noValidate className="discount-form">
        <h3>Add a discount code</h3>
        <FormErrorSummary
          fields={['/code', '/rule', '/starts_at', '/ends_at', '/max_total_uses', '/max_uses_per_customer']}
        />
        <TextField
          label="Code"
          pointer="/code"
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          hint="3 to 32 letters, digits, _ or -"
          required
        />
        <fieldset className="choice-row">
          <legend>Kind of discount</legend>
          {(
            [
              ['percentage', 'A percentage'],
              ['flat', 'A fixed amount'],
              ['buy_n_get_m', 'Buy N, get M free'],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="choice choice--inline">
              <input
                type="radio"
                name="discount-kind"
                checked={kind === value}
                onChange={() => setKind(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        {kind === 'percentage' ? (
          <TextField
            label="Percentage off"
            pointer="/rule/kind/percent_bp"
            inputMode="decimal"
            value={percent}
            onChange={(e) => setPercent(e.target.value)}
          />
        ) : null}
        {kind === 'flat' ? (
          <TextField
            label={`Amount off (${money})`}
            pointer="/rule/kind/amount_minor"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
          />
        ) : null}
        {kind === 'buy_n_get_m' ? (
          <div className="form-row">
            <TextField
              label="Buy"
              pointer="/rule/kind/buy"
              inputMode="numeric"
              value={buy}
              onChange={(e) => setBuy(e.target.value)}
            />
            <TextField
              label="Get free"
              pointer="/rule/kind/get"
              inputMode="numeric"
              value={get}
              onChange={(e) => setGet(e.target.value)}
            />
          </div>
        ) : null}
        <div className="form-row">
          <TextField
            label="Valid from (optional)"
            pointer="/starts_at"
            type="datetime-local"
            value={startsAt}
            onChange={(e) => setStartsAt(e.target.value)}
          />
          <TextField
            label="Valid until (optional)"
            pointer="/ends_at"
            type="datetime-local"
            value={endsAt}
            onChange={(e) => setEndsAt(e.target.value)}
          />
        </div>
        <div className="form-row">
          <TextField
            label="Uses in all (optional)"
            pointer="/max_total_uses"
            inputMode="numeric"
            value={maxTotal}
            onChange={(e) => setMaxTotal(e.target.value)}
          />
          <TextField
            label="Uses per customer (optional)"
            pointer="/max_uses_per_customer"
            inputMode="numeric"
            value={maxPerCustomer}
            onChange={(e) => setMaxPerCustomer(e.target.value)}
          />
        </div>
        {tiers.length ? (
          <fieldset className="choice-row">
            <legend>Tiers it applies to (none ticked: all)</legend>
            {tiers.map((tier) => (
              <label key={tier.tier_id} className="choice choice--inline">
                <input
                  type="checkbox"
                  checked={tierIds.includes(tier.tier_id)}
                  onChange={() => toggle(tierIds, setTierIds, tier.tier_id)}
                />
                {tier.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        {sessions.length ? (
          <fieldset className="choice-row">
            <legend>Sessions it applies to (none ticked: all)</legend>
            {sessions.map((session) => (
              <label key={session.session_id} className="choice choice--inline">
                <input
                  type="checkbox"
                  checked={sessionIds.includes(session.session_id)}
                  onChange={() => toggle(sessionIds, setSessionIds, session.session_id)}
                />
                {formatDateTime(session.starts_at, { timeZone: zone })}
              </label>
            ))}
          </fieldset>
        ) : null}
        <label className="choice choice--inline">
          <input type="checkbox" checked={isPublic} onChange={(e) => setIsPublic(e.target.checked)} />
          Public: may be shown on the event page
        </label>
        <div className="wizard__actions">
          <Button type="submit" variant="secondary" busy={busy}>
            Add discount code
          </Button>
        </div>
      </form>
    </FormErrorProvider>
  );
}

// --- review

interface MissingItem {
  key: string;
  text: string;
  step: StepId;
}

/** The API's `missing` entries in words, each with the step that fixes it. */
export function describeMissing(
  missing: readonly string[],
  sessions: readonly Session[] = [],
): MissingItem[] {
  return missing.map((key) => {
    if (key === 'category') return { key, text: 'A category', step: 'details' };
    if (key === 'tiers') return { key, text: 'At least one price tier', step: 'tiers' };
    if (key === 'layout') return { key, text: 'A seat map with something to sell', step: 'seat-map' };
    if (key === 'sessions') return { key, text: 'At least one session', step: 'sessions' };
    const match = /^sessions\/(.+)\/layout$/.exec(key);
    if (match) {
      const session = sessions.find((item) => item.session_id === match[1]);
      const when = session ? ` (${formatDateTime(session.starts_at)})` : '';
      return { key, text: `A seat map for the session${when}: save the seat map again`, step: 'seat-map' };
    }
    return { key, text: key, step: 'details' };
  });
}

function ReviewStep({ event, onPublished }: { event: EventRecord; onPublished: () => void }) {
  const auth = useAuth();
  const toast = useToast();
  const navigate = useNavigate();
  const data = useRemote(
    async (signal) => {
      const path = { id: event.event_id };
      const [tiers, sessions, discounts, layout] = await Promise.all([
        auth.api.manage.get('/api/manage/events/{id}/tiers', { path, signal }),
        auth.api.manage.get('/api/manage/events/{id}/sessions', { path, signal }),
        auth.api.manage.get('/api/manage/events/{id}/discounts', { path, signal }),
        auth.api.manage.get('/api/manage/events/{id}/layout', { path, signal }).catch((error: unknown) => {
          if (error instanceof ApiError && error.status === 404) return null;
          throw error;
        }),
      ]);
      return { tiers, sessions, discounts, layout };
    },
    [auth.api, event.event_id],
  );
  const [missing, setMissing] = useState<string[] | undefined>();
  const [publishError, setPublishError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // Until publishing is tried, what is missing is worked out the way the API does.
  const loaded = data.data;
  useEffect(() => {
    if (loaded) setMissing(undefined);
  }, [loaded]);
  if (data.status === 'loading') return <LoadingState label="Checking the event…" />;
  if (data.status === 'error')
    return <ApiErrorState error={data.error} onRetry={data.reload} what="the event" />;
  const { tiers, sessions, discounts, layout } = data.data;
  const live = sessions.filter((session) => session.status !== 'CANCELLED');
  const computed: string[] = [];
  if (!event.category_id) computed.push('category');
  if (tiers.length === 0) computed.push('tiers');
  if (!layout || layout.seat_count + layout.standing_capacity === 0) computed.push('layout');
  if (live.length === 0) computed.push('sessions');
  for (const session of live)
    if (session.capacity === 0 && layout) computed.push(`sessions/${session.session_id}/layout`);
  const items = describeMissing(missing ?? computed, sessions);
  const published = event.status !== 'draft';

  const publish = async () => {
    setConfirming(false);
    setBusy(true);
    setPublishError(undefined);
    try {
      await auth.api.manage.post('/api/manage/events/{id}/publish', { path: { id: event.event_id } });
      toast.show('Published: the event is in the catalogue', 'success');
      onPublished();
      navigate(`/events/${event.event_id}`);
    } catch (caught) {
      const error = asApiError(caught);
      const list = error.detail.missing;
      if (error.status === 422 && Array.isArray(list)) setMissing(list.map(String));
      else setPublishError(error.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <dl className="review">
        <div>
          <dt>Title</dt>
          <dd>{event.title}</dd>
        </div>
        <div>
          <dt>Category</dt>
          <dd>{CATEGORIES.find((c) => c.id === event.category_id)?.name ?? 'None yet'}</dd>
        </div>
        <div>
          <dt>Tiers</dt>
          <dd>
            {tiers.length
              ? tiers
                  .map((tier) => `${tier.name} ${formatPrice(tier.price_minor, tier.currency)}`)
                  .join(' · ')
              : 'None yet'}
          </dd>
        </div>
        <div>
          <dt>Seat map</dt>
          <dd>
            {layout
              ? `${layout.seat_count.toLocaleString()} seats, ${layout.standing_capacity.toLocaleString()} standing places`
              : 'Not drawn yet'}
          </dd>
        </div>
        <div>
          <dt>Sessions</dt>
          <dd>
            {live.length ? live.map((session) => formatDateTime(session.starts_at)).join(' · ') : 'None yet'}
          </dd>
        </div>
        <div>
          <dt>Discount codes</dt>
          <dd>{discounts.length ? discounts.map((d) => d.code).join(', ') : 'None'}</dd>
        </div>
      </dl>
      {published ? (
        <p className="bx-badge status-badge">This event is {event.status}.</p>
      ) : items.length ? (
        <section className="missing" aria-labelledby="missing-title">
          <div role={missing ? 'alert' : undefined}>
            <h3 id="missing-title">
              {missing ? 'Publishing needs a few more things' : 'Before you can publish'}
            </h3>
            <ul>
              {items.map((item) => (
                <li key={item.key}>
                  <Link to={stepPath(event.event_id, item.step)}>{item.text}</Link>
                </li>
              ))}
            </ul>
          </div>
        </section>
      ) : (
        <p className="ready-line">Everything is in place.</p>
      )}
      {publishError ? (
        <p className="bx-form-alert" role="alert">
          {publishError}
        </p>
      ) : null}
      {!published ? (
        <div className="wizard__actions">
          <Button busy={busy} onClick={() => setConfirming(true)}>
            Publish event
          </Button>
        </div>
      ) : (
        <div className="wizard__actions">
          <Link className="bx-button bx-button--primary" to={`/events/${event.event_id}`}>
            Go to the event
          </Link>
        </div>
      )}
      <ConfirmDialog
        open={confirming}
        title="Publish this event?"
        confirmLabel="Publish"
        onConfirm={publish}
        onCancel={() => setConfirming(false)}
      >
        <p>
          It appears in the public catalogue within a few seconds. Each session goes on sale when its sales
          window opens, or earlier if you put it on sale from the event page.
        </p>
      </ConfirmDialog>
    </>
  );
}
