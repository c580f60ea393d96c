import { ApiError } from '@boxoffice/api';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  FormErrorProvider,
  FormErrorSummary,
  fieldErrorMessage,
  pointerOf,
  TextField,
  TIER_PALETTE,
  unclaimedErrorMessage,
} from '../src/index.ts';

const invalid = (field: string | undefined, message = 'is wrong') =>
  new ApiError(422, { code: 'invalid_field', message, ...(field ? { field } : {}) }, 'POST', '/x');

describe('mapping API errors to fields', () => {
  it('matches the field its JSON pointer names, and only that one', () => {
    const error = invalid('/venue/city', 'a city is required');
    expect(fieldErrorMessage(error, '/venue/city')).toBe('a city is required');
    expect(fieldErrorMessage(error, '/venue')).toBeUndefined();
    expect(fieldErrorMessage(error, '/venue', { withinPointer: true })).toBe('a city is required');
    expect(fieldErrorMessage(error, '/venue/cityname', { withinPointer: true })).toBeUndefined();
    expect(fieldErrorMessage(invalid('q'), '/q')).toBe('is wrong');
    expect(fieldErrorMessage(undefined, '/q')).toBeUndefined();
  });

  it('escapes keys into pointers as RFC 6901 says', () => {
    expect(pointerOf('blocks', 3, 'a/b~c')).toBe('/blocks/3/a~1b~0c');
  });

  it('leaves an error no field claims to the summary', () => {
    expect(unclaimedErrorMessage(invalid('/title'), ['/title', '/description'])).toBeUndefined();
    expect(unclaimedErrorMessage(invalid('/layout/blocks/0'), ['/title'])).toBe('is wrong');
    expect(unclaimedErrorMessage(invalid(undefined, 'event is cancelled'), ['/title'])).toBe(
      'event is cancelled',
    );
  });

  it('renders the message on the named field, linked for screen readers', () => {
    const html = renderToStaticMarkup(
      <FormErrorProvider error={invalid('/title', 'a title of 1 to 200 characters is required')}>
        <FormErrorSummary fields={['/title', '/description']} />
        <TextField label="Title" pointer="/title" />
        <TextField label="Description" pointer="/description" />
      </FormErrorProvider>,
    );
    const title = /<input[^>]*aria-invalid="true"[^>]*aria-describedby="([^"]+)"[^>]*>/.exec(html);
    expect(title).not.toBeNull();
    expect(html).toContain(`id="${title?.[1]}">a title of 1 to 200 characters is required</span>`);
    expect(html.match(/aria-invalid/g)).toHaveLength(1);
    expect(html).not.toContain('role="alert"');
  });
});

describe('the tier palette', () => {
  it('keeps labels readable on every swatch and never repeats a colour or a shape', () => {
    for (const tier of TIER_PALETTE) expect(contrastRatio(tier.colour, tier.ink)).toBeGreaterThanOrEqual(4.5);
    expect(new Set(TIER_PALETTE.map((t) => t.colour)).size).toBe(TIER_PALETTE.length);
    expect(new Set(TIER_PALETTE.map((t) => t.shape)).size).toBe(TIER_PALETTE.length);
  });
});
