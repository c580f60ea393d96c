import { describe, expect, it } from 'vitest';
import { searchQuery, toMinor } from '../src/catalogue.tsx';
import { cardDigits, IdempotencyKeys } from '../src/checkout.tsx';
import { formatCountdown, pathKeepsHold } from '../src/hold.tsx';
import { format, initialLanguage, localeFor, MESSAGES, makeI18n, translate } from '../src/i18n.tsx';

describe('the message catalogue', () => {
  it('has every English message in French too, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, english] of Object.entries(MESSAGES.en)) {
      const french = MESSAGES.fr[key as keyof typeof MESSAGES.en];
      expect(french, key).toBeTruthy();
      expect(placeholders(french), key).toEqual(placeholders(english));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('{count} events', { count: 3 })).toBe('3 events');
    expect(format('Hello {name}')).toBe('Hello {name}');
    expect(translate('fr', 'search.count.other', { count: 2 })).toBe('2 événements');
  });

  it('picks the language from storage, else the browser', () => {
    expect(initialLanguage('fr', ['en-GB'])).toBe('fr');
    expect(initialLanguage(null, ['fr-CA', 'en'])).toBe('fr');
    expect(initialLanguage(null, ['de-DE'])).toBe('en');
    expect(localeFor('en', ['en-US'])).toBe('en-US');
    expect(localeFor('fr', ['en-US'])).toBe('fr-FR');
  });

  it('formats money and dates for the locale, in the venue time zone', () => {
    const en = makeI18n('en', 'en-GB', () => {});
    const fr = makeI18n('fr', 'fr-FR', () => {});
    expect(en.price(4500, 'GBP')).toBe('£45.00');
    expect(fr.price(4500, 'EUR').replace(/\s/g, ' ')).toBe('45,00 €');
    // 19:30 UTC in June is 20:30 in London.
    expect(en.dateTime('2027-06-11T19:30:00Z', 'Europe/London')).toMatch(/20:30/);
    expect(en.dateTime('2027-06-11T19:30:00Z', 'America/New_York')).toMatch(/15:30/);
  });
});

describe('search parameters', () => {
  it('reads filters from the address, prices in major units', () => {
    const query = searchQuery(
      new URLSearchParams('q=jazz&city=Bristol&min=10&max=45.5&from=2027-01-01&sort=price&page=3'),
    );
    expect(query).toMatchObject({
      q: 'jazz',
      city: 'Bristol',
      min_price: 1000,
      max_price: 4550,
      from: '2027-01-01',
      sort: 'price',
      page: 3,
    });
    expect(searchQuery(new URLSearchParams('sort=bogus&page=-2'))).toMatchObject({
      sort: undefined,
      page: 1,
    });
  });

  it('ignores prices that are not numbers', () => {
    expect(toMinor('abc')).toBeUndefined();
    expect(toMinor('12,5')).toBe(1250);
    expect(toMinor('')).toBeUndefined();
  });
});

describe('checkout', () => {
  it('reuses one idempotency key for the same order, a new one when the order changes', () => {
    let n = 0;
    const keys = new IdempotencyKeys(() => `key-${++n}`);
    const body = { hold_token: 'h', buyer: { name: 'A', email: 'a@b.c' } };
    expect(keys.keyFor(body)).toBe('key-1');
    expect(keys.keyFor({ ...body })).toBe('key-1');
    expect(keys.keyFor({ ...body, discount_code: 'X' })).toBe('key-2');
  });

  it('sends card digits without spaces', () => {
    expect(cardDigits('4242 4242-4242 4242')).toBe('4242424242424242');
  });

  it('counts down in minutes and seconds', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(299)).toBe('4:59');
  });

  it('keeps a hold on its own seat map and the checkout only', () => {
    expect(pathKeepsHold('/checkout', 's1')).toBe(true);
    expect(pathKeepsHold('/sessions/s1', 's1')).toBe(true);
    expect(pathKeepsHold('/sessions/s2', 's1')).toBe(false);
    expect(pathKeepsHold('/', 's1')).toBe(false);
  });
});
