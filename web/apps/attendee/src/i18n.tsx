// One message catalogue for every string the attendee app shows, in English and French, and
// the buyer's locale for prices and dates. The chosen language is remembered in localStorage.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

export type Language = 'en' | 'fr';
export const LANGUAGES: readonly { code: Language; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'fr', name: 'Français' },
];

type Params = Record<string, string | number>;

const en = {
  'nav.find': 'Find events',
  'nav.tickets': 'My tickets',
  'nav.language': 'Language',
  'app.name': 'Events',
  'notFound.title': 'This page does not exist',
  'notFound.body': 'The link may be old, or the address mistyped.',

  'search.title': 'Find your next night out',
  'search.lede': 'Concerts, theatre and more — pick your seats on a live map.',
  'search.label': 'Search events',
  'search.placeholder': 'Search by event, artist or venue',
  'search.submit': 'Search',
  'search.filters': 'Filters',
  'search.category': 'Category',
  'search.anyCategory': 'Any category',
  'search.city': 'City',
  'search.from': 'From date',
  'search.to': 'To date',
  'search.minPrice': 'Min price',
  'search.maxPrice': 'Max price',
  'search.sort': 'Sort by',
  'search.sort.date': 'Soonest',
  'search.sort.relevance': 'Best match',
  'search.sort.price': 'Cheapest',
  'search.sort.distance': 'Nearest',
  'search.near': 'Near me',
  'search.nearOff': 'Anywhere',
  'search.nearUnavailable': 'Your location is not available; search by city instead.',
  'search.clear': 'Clear filters',
  'search.results': 'Search results',
  'search.count.one': '1 event',
  'search.count.other': '{count} events',
  'search.for': 'for “{q}”',
  'search.none': 'No events match “{q}”',
  'search.noneFiltered': 'No events match these filters',
  'search.noneHint': 'Try another word, or clear the search to see everything.',
  'search.empty': 'No events on sale yet',
  'search.emptyHint': 'Check back soon.',
  'search.page': 'Page {page} of {pages}',
  'search.prev': 'Previous page',
  'search.next': 'Next page',
  'search.pagination': 'Pages',
  'trending.title': 'Trending now',
  'trending.sold': '{count} sold this week',
  'card.tba': 'Dates to be announced',
  'card.from': 'From {price}',
  'card.pricesSoon': 'Prices soon',
  'card.left': '{count} places left',
  'card.soldOut': 'Sold out',
  'card.distance': '{km} km away',

  'event.loading': 'Loading the event…',
  'event.what': 'this event',
  'event.back': '← All events',
  'event.dates': 'Dates',
  'event.noDates': 'No dates announced yet.',
  'event.prices': 'Prices',
  'event.online': 'Online',
  'event.available': '{count} available',
  'event.choose': 'Choose seats',
  'event.notOnSale': 'Not on sale',
  'event.venue': 'Venue',

  'session.loading': 'Loading the seat map…',
  'session.what': 'this seat map',
  'session.back': '← Back to the event',
  'session.mapLabel': 'Seat map. Arrow keys move between seats, Enter or Space selects.',
  'session.legend': 'Prices',
  'session.left': '{count} left',
  'session.catchingUp': 'Catching up with the latest seats…',
  'session.reconnecting': 'Reconnecting to live updates…',
  'session.live': 'Live',
  'session.taken.one': 'Someone else just took {seats}; it was removed from your selection.',
  'session.taken.other': 'Someone else just took {seats}; they were removed from your selection.',
  'session.selection': 'Your selection',
  'session.nothingSelected': 'Pick seats on the map, or let us choose the best available.',
  'session.clear': 'Clear',
  'session.hold': 'Reserve {count} for {price}',
  'session.holdBusy': 'Reserving…',
  'session.best': 'Best available',
  'session.tier': 'Price',
  'session.quantity': 'Quantity',
  'session.findSeats': 'Find seats',
  'session.standing': 'Standing',
  'session.standingLeft': '{name}: {count} places left',
  'session.addStanding': 'Add',
  'session.unavailable': 'Those places were just taken. Please choose again.',
  'session.notOnSale': 'Tickets for this date are not on sale.',
  'session.zoomIn': 'Zoom in',
  'session.zoomOut': 'Zoom out',
  'session.fit': 'Show whole map',
  'session.remove': 'Remove {what}',
  'session.heldNote': 'These places are held for you. Finish checking out before the time runs out.',
  'session.max': 'You can choose up to {max} places at once.',
  'session.standingPlaces': '{count} × {name}',
  'queue.eyebrow': 'Waiting room',
  'queue.title': 'You are in the queue',
  'queue.titleFor': 'Queue for {title}',
  'queue.joining': 'Joining the queue…',
  'queue.error': 'We could not put you in the queue',
  'queue.retry': 'Try again',
  'queue.notOpen': 'The queue is not open yet',
  'queue.opensAt': 'It opens at {time}. This page joins it for you then.',
  'queue.notOpenBody': 'Try again in a moment.',
  'queue.beforeOpening': 'Waiting for the sale to open',
  'queue.beforeOpeningBody':
    'Everyone who arrives before the opening gets a place drawn at random when the sale opens, so there is no need to hurry or refresh.',
  'queue.salesStartIn': 'The sale opens in',
  'queue.salesStartAt': 'at {time}',
  'queue.position': 'Your place in the queue',
  'queue.ahead': 'People ahead of you',
  'queue.estimateLabel': 'Estimated wait',
  'queue.positionSentence': 'You are number {position} in the queue, with {ahead} ahead of you.',
  'queue.estimate': 'Estimated wait: {wait}.',
  'queue.wait.underMinute': 'less than a minute',
  'queue.wait.minutes': 'about {count} min',
  'queue.wait.hours': 'about {count} h',
  'queue.progress': 'Progress through the queue',
  'queue.progressText': '{percent}% of the way to the front',
  'queue.keepOpen':
    'Keep this page open: you go on to the seat map by yourself when it is your turn. Your place is kept if you reload or open another tab.',
  'queue.admitted': 'It is your turn!',
  'queue.toMap': 'Opening the seat map…',
  'queue.leave': '← Leave the queue',
  'queue.yourTurn': 'Your turn.',
  'queue.passLeft': 'Time left to choose and reserve your seats:',
  'queue.passExpired': 'Your turn has ended.',
  'queue.passExpiredBody': 'To reserve seats, join the queue again.',
  'queue.again': 'Join the queue again',
  'queue.needed': 'This sale has a queue: you need your turn before you can reserve seats.',
  'seat.row': 'Row {row}, seat {seat}',
  'state.free': 'available',
  'state.held': 'held',
  'state.sold': 'sold',
  'state.mine': 'held for you',
  'state.selected': 'selected',
  'state.removed': 'removed',

  'checkout.title': 'Checkout',
  'checkout.heldFor': 'Your places are held for {time}',
  'checkout.extend': 'More time',
  'checkout.extended': 'You have a few more minutes.',
  'checkout.cancel': 'Cancel and release',
  'checkout.expired': 'Your hold expired and the places were released. Please choose again.',
  'checkout.expiredTitle': 'Your hold expired',
  'checkout.expiredBody': 'The places were released. Choose again to buy them.',
  'checkout.backToMap': 'Back to the seat map',
  'checkout.noHold': 'Nothing is held',
  'checkout.noHoldBody': 'Choose seats first; they are held for you while you check out.',
  'checkout.places': 'Your places',
  'checkout.buyer': 'Your details',
  'checkout.guestNote': 'Checking out as a guest. Your tickets appear on the confirmation page.',
  'checkout.signIn': 'Sign in instead',
  'checkout.name': 'Name on the tickets',
  'checkout.email': 'Email',
  'checkout.discount': 'Discount code (optional)',
  'checkout.review': 'Continue to payment',
  'checkout.subtotal': 'Subtotal',
  'checkout.discountLine': 'Discount ({code})',
  'checkout.total': 'Total',
  'checkout.payment': 'Payment',
  'checkout.card': 'Card number',
  'checkout.cardHint': 'Sandbox: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.',
  'checkout.pay': 'Pay {total}',
  'checkout.declined': 'Your card was declined. No money was taken; try another card.',
  'checkout.processing': 'Your payment is being processed…',
  'checkout.standing': 'Standing',

  'confirm.title': 'You are going!',
  'confirm.body': 'Order {id} is confirmed. A copy goes to {email}.',
  'confirm.tickets': 'Your tickets',
  'confirm.more': 'Find more events',

  'tickets.title': 'My tickets',
  'tickets.loading': 'Loading your tickets…',
  'tickets.what': 'your tickets',
  'tickets.none': 'No tickets yet',
  'tickets.noneBody': 'Tickets you buy while signed in appear here.',
  'tickets.signIn': 'Sign in to see your tickets',
  'tickets.order': 'Order {id}',
  'tickets.show': 'Show full screen',
  'tickets.download': 'Download',
  'tickets.close': 'Close',
  'tickets.qr': 'QR code for ticket {label}',
  'tickets.status.valid': 'Valid',
  'tickets.status.refunded': 'Refunded',
  'tickets.status.void': 'Void',
  'tickets.checkedIn': 'Checked in',
  'tickets.seat': 'Seat {label}',
  'tickets.holder': 'For {name}',
  'tickets.number': 'Ticket number {number}',
} as const;

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  'nav.find': 'Trouver un événement',
  'nav.tickets': 'Mes billets',
  'nav.language': 'Langue',
  'app.name': 'Événements',
  'notFound.title': 'Cette page n’existe pas',
  'notFound.body': 'Le lien est peut-être ancien, ou l’adresse mal saisie.',

  'search.title': 'Trouvez votre prochaine sortie',
  'search.lede': 'Concerts, théâtre et plus — choisissez vos places sur un plan en direct.',
  'search.label': 'Rechercher des événements',
  'search.placeholder': 'Événement, artiste ou salle',
  'search.submit': 'Rechercher',
  'search.filters': 'Filtres',
  'search.category': 'Catégorie',
  'search.anyCategory': 'Toutes les catégories',
  'search.city': 'Ville',
  'search.from': 'À partir du',
  'search.to': 'Jusqu’au',
  'search.minPrice': 'Prix minimum',
  'search.maxPrice': 'Prix maximum',
  'search.sort': 'Trier par',
  'search.sort.date': 'Date',
  'search.sort.relevance': 'Pertinence',
  'search.sort.price': 'Prix croissant',
  'search.sort.distance': 'Distance',
  'search.near': 'Près de moi',
  'search.nearOff': 'Partout',
  'search.nearUnavailable': 'Votre position n’est pas disponible ; cherchez par ville.',
  'search.clear': 'Effacer les filtres',
  'search.results': 'Résultats',
  'search.count.one': '1 événement',
  'search.count.other': '{count} événements',
  'search.for': 'pour « {q} »',
  'search.none': 'Aucun événement pour « {q} »',
  'search.noneFiltered': 'Aucun événement avec ces filtres',
  'search.noneHint': 'Essayez un autre mot, ou effacez la recherche pour tout voir.',
  'search.empty': 'Aucun événement en vente',
  'search.emptyHint': 'Revenez bientôt.',
  'search.page': 'Page {page} sur {pages}',
  'search.prev': 'Page précédente',
  'search.next': 'Page suivante',
  'search.pagination': 'Pages',
  'trending.title': 'Tendances',
  'trending.sold': '{count} vendus cette semaine',
  'card.tba': 'Dates à venir',
  'card.from': 'À partir de {price}',
  'card.pricesSoon': 'Prix bientôt',
  'card.left': '{count} places restantes',
  'card.soldOut': 'Complet',
  'card.distance': 'à {km} km',

  'event.loading': 'Chargement de l’événement…',
  'event.what': 'cet événement',
  'event.back': '← Tous les événements',
  'event.dates': 'Dates',
  'event.noDates': 'Aucune date annoncée.',
  'event.prices': 'Tarifs',
  'event.online': 'En ligne',
  'event.available': '{count} disponibles',
  'event.choose': 'Choisir des places',
  'event.notOnSale': 'Pas en vente',
  'event.venue': 'Lieu',

  'session.loading': 'Chargement du plan de salle…',
  'session.what': 'ce plan de salle',
  'session.back': '← Retour à l’événement',
  'session.mapLabel': 'Plan de salle. Les flèches passent d’un siège à l’autre, Entrée ou Espace le choisit.',
  'session.legend': 'Tarifs',
  'session.left': '{count} restantes',
  'session.catchingUp': 'Mise à jour des places…',
  'session.reconnecting': 'Reconnexion au direct…',
  'session.live': 'En direct',
  'session.taken.one': 'Quelqu’un vient de prendre {seats} ; retiré de votre sélection.',
  'session.taken.other': 'Quelqu’un vient de prendre {seats} ; retirés de votre sélection.',
  'session.selection': 'Votre sélection',
  'session.nothingSelected': 'Choisissez des places sur le plan, ou laissez-nous choisir les meilleures.',
  'session.clear': 'Effacer',
  'session.hold': 'Réserver {count} pour {price}',
  'session.holdBusy': 'Réservation…',
  'session.best': 'Meilleures places',
  'session.tier': 'Tarif',
  'session.quantity': 'Quantité',
  'session.findSeats': 'Trouver',
  'session.standing': 'Debout',
  'session.standingLeft': '{name} : {count} places restantes',
  'session.addStanding': 'Ajouter',
  'session.unavailable': 'Ces places viennent d’être prises. Choisissez à nouveau.',
  'session.notOnSale': 'Les billets pour cette date ne sont pas en vente.',
  'session.zoomIn': 'Zoomer',
  'session.zoomOut': 'Dézoomer',
  'session.fit': 'Voir tout le plan',
  'session.remove': 'Retirer {what}',
  'session.heldNote': 'Ces places sont réservées pour vous. Terminez le paiement avant la fin du délai.',
  'session.max': 'Vous pouvez choisir jusqu’à {max} places à la fois.',
  'session.standingPlaces': '{count} × {name}',
  'queue.eyebrow': 'File d’attente',
  'queue.title': 'Vous êtes dans la file d’attente',
  'queue.titleFor': 'File d’attente pour {title}',
  'queue.joining': 'Entrée dans la file…',
  'queue.error': 'Impossible de vous placer dans la file',
  'queue.retry': 'Réessayer',
  'queue.notOpen': 'La file n’est pas encore ouverte',
  'queue.opensAt': 'Elle ouvre à {time}. Cette page vous y inscrit alors.',
  'queue.notOpenBody': 'Réessayez dans un instant.',
  'queue.beforeOpening': 'En attente de l’ouverture de la vente',
  'queue.beforeOpeningBody':
    'Toute personne arrivée avant l’ouverture reçoit une place tirée au sort à l’ouverture : inutile de se presser ou de recharger.',
  'queue.salesStartIn': 'La vente ouvre dans',
  'queue.salesStartAt': 'à {time}',
  'queue.position': 'Votre place dans la file',
  'queue.ahead': 'Personnes devant vous',
  'queue.estimateLabel': 'Attente estimée',
  'queue.positionSentence': 'Vous êtes numéro {position} dans la file, {ahead} personnes devant vous.',
  'queue.estimate': 'Attente estimée : {wait}.',
  'queue.wait.underMinute': 'moins d’une minute',
  'queue.wait.minutes': 'environ {count} min',
  'queue.wait.hours': 'environ {count} h',
  'queue.progress': 'Progression dans la file',
  'queue.progressText': '{percent} % du chemin jusqu’en tête',
  'queue.keepOpen':
    'Gardez cette page ouverte : vous passez au plan de salle tout seul quand votre tour vient. Votre place est gardée si vous rechargez ou ouvrez un autre onglet.',
  'queue.admitted': 'C’est votre tour !',
  'queue.toMap': 'Ouverture du plan de salle…',
  'queue.leave': '← Quitter la file',
  'queue.yourTurn': 'C’est votre tour.',
  'queue.passLeft': 'Temps restant pour choisir et réserver vos places :',
  'queue.passExpired': 'Votre tour est terminé.',
  'queue.passExpiredBody': 'Pour réserver des places, reprenez la file.',
  'queue.again': 'Reprendre la file',
  'queue.needed': 'Cette vente a une file d’attente : attendez votre tour pour réserver des places.',
  'seat.row': 'Rang {row}, siège {seat}',
  'state.free': 'disponible',
  'state.held': 'réservé',
  'state.sold': 'vendu',
  'state.mine': 'réservé pour vous',
  'state.selected': 'sélectionné',
  'state.removed': 'retiré',

  'checkout.title': 'Paiement',
  'checkout.heldFor': 'Vos places sont réservées pendant {time}',
  'checkout.extend': 'Plus de temps',
  'checkout.extended': 'Vous avez quelques minutes de plus.',
  'checkout.cancel': 'Annuler et libérer',
  'checkout.expired': 'Votre réservation a expiré et les places ont été libérées. Choisissez à nouveau.',
  'checkout.expiredTitle': 'Votre réservation a expiré',
  'checkout.expiredBody': 'Les places ont été libérées. Choisissez à nouveau pour les acheter.',
  'checkout.backToMap': 'Retour au plan',
  'checkout.noHold': 'Aucune place réservée',
  'checkout.noHoldBody': 'Choisissez d’abord des places ; elles restent réservées pendant le paiement.',
  'checkout.places': 'Vos places',
  'checkout.buyer': 'Vos coordonnées',
  'checkout.guestNote': 'Achat sans compte. Vos billets s’affichent sur la page de confirmation.',
  'checkout.signIn': 'Se connecter',
  'checkout.name': 'Nom sur les billets',
  'checkout.email': 'E-mail',
  'checkout.discount': 'Code promo (facultatif)',
  'checkout.review': 'Continuer vers le paiement',
  'checkout.subtotal': 'Sous-total',
  'checkout.discountLine': 'Remise ({code})',
  'checkout.total': 'Total',
  'checkout.payment': 'Paiement',
  'checkout.card': 'Numéro de carte',
  'checkout.cardHint': 'Bac à sable : 4242 4242 4242 4242 est acceptée, 4000 0000 0000 0002 refusée.',
  'checkout.pay': 'Payer {total}',
  'checkout.declined': 'Votre carte a été refusée. Aucun débit ; essayez une autre carte.',
  'checkout.processing': 'Votre paiement est en cours de traitement…',
  'checkout.standing': 'Debout',

  'confirm.title': 'C’est réservé !',
  'confirm.body': 'La commande {id} est confirmée. Une copie est envoyée à {email}.',
  'confirm.tickets': 'Vos billets',
  'confirm.more': 'Trouver d’autres événements',

  'tickets.title': 'Mes billets',
  'tickets.loading': 'Chargement de vos billets…',
  'tickets.what': 'vos billets',
  'tickets.none': 'Pas encore de billets',
  'tickets.noneBody': 'Les billets achetés en étant connecté apparaissent ici.',
  'tickets.signIn': 'Connectez-vous pour voir vos billets',
  'tickets.order': 'Commande {id}',
  'tickets.show': 'Plein écran',
  'tickets.download': 'Télécharger',
  'tickets.close': 'Fermer',
  'tickets.qr': 'Code QR du billet {label}',
  'tickets.status.valid': 'Valide',
  'tickets.status.refunded': 'Remboursé',
  'tickets.status.void': 'Annulé',
  'tickets.checkedIn': 'Entré',
  'tickets.seat': 'Place {label}',
  'tickets.holder': 'Pour {name}',
  'tickets.number': 'Billet n° {number}',
};

export const MESSAGES: Record<Language, Record<MessageKey, string>> = { en, fr };

/** Fills `{name}` placeholders; a missing parameter stays visible rather than vanishing. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}

export function translate(language: Language, key: MessageKey, params?: Params): string {
  return format(MESSAGES[language][key] ?? en[key], params);
}

/** The buyer's own locale when it speaks the chosen language (en-US stays en-US), else a default. */
export function localeFor(language: Language, browserLocales: readonly string[]): string {
  const own = browserLocales.find((tag) => tag.toLowerCase().split('-')[0] === language);
  return own ?? (language === 'en' ? 'en-GB' : 'fr-FR');
}

export function initialLanguage(stored: string | null, browserLocales: readonly string[]): Language {
  if (stored === 'en' || stored === 'fr') return stored;
  return browserLocales[0]?.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export interface I18n {
  language: Language;
  locale: string;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** Money from minor units. */
  price: (minor: number, currency: string) => string;
  /** A date and time; in the venue's time zone when given, with the zone named. */
  dateTime: (iso: string, timeZone?: string | null) => string;
  number: (value: number) => string;
}

const STORAGE_KEY = 'boxoffice.language';
const I18nContext = createContext<I18n | undefined>(undefined);

function browserLocales(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
}

export function makeI18n(language: Language, locale: string, setLanguage: (l: Language) => void): I18n {
  const numbers = new Intl.NumberFormat(locale);
  return {
    language,
    locale,
    setLanguage,
    t: (key, params) => translate(language, key, params),
    price: (minor, currency) => {
      const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
      const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
      return formatter.format(minor / 10 ** digits);
    },
    dateTime: (iso, timeZone) =>
      new Intl.DateTimeFormat(locale, {
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: timeZone ?? undefined,
        timeZoneName: timeZone ? 'short' : undefined,
      }).format(new Date(iso)),
    number: (value) => numbers.format(value),
  };
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() =>
    initialLanguage(safeStorage()?.getItem(STORAGE_KEY) ?? null, browserLocales()),
  );
  const setLanguage = useCallback((next: Language) => {
    safeStorage()?.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const value = useMemo(
    () => makeI18n(language, localeFor(language, browserLocales()), setLanguage),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
