import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, humanizeWaits } from '@/lib/api-client';
import { fieldIssues, fieldSentence, isValidEmail, parseValidationSummary, splitFieldErrors } from '@/lib/field-errors';

const validation = (message: string, details?: unknown) => new ApiError(400, 'validation_error', message, details);

describe('field errors in words', () => {
  it('puts each problem under its field, without the key', () => {
    const err = validation('deliveryAddress.zipCode: must be 6 digits; lat: must be between -90 and 90', [
      { field: 'deliveryAddress.zipCode', message: 'must be 6 digits' },
      { field: 'lat', message: 'must be between -90 and 90' },
    ]);
    const split = splitFieldErrors(err, ['zipCode', 'lat', 'lng'] as const);
    expect(split.fields).toEqual({ zipCode: 'Must be 6 digits.', lat: 'Must be between -90 and 90.' });
    expect(split.form).toBeNull();
  });

  it('says what no shown field carries above the form, naming the field in words', () => {
    const err = validation('x', [
      { field: 'email', message: 'must be a valid e-mail address' },
      { field: 'deliveryAddress.zipCode', message: 'must be 6 digits' },
    ]);
    const split = splitFieldErrors(err, ['email'] as const);
    expect(split.fields.email).toBe('Enter a valid e-mail address.');
    expect(split.form).toBe('PIN code must be 6 digits.');
    expect(split.form).not.toMatch(/zipCode|deliveryAddress/);
  });

  it('reads the summary when a refusal has no details', () => {
    expect(parseValidationSummary('zipCode: must be 6 digits; phone: must be 10 digits')).toEqual([
      { field: 'zipCode', message: 'must be 6 digits' },
      { field: 'phone', message: 'must be 10 digits' },
    ]);
    expect(parseValidationSummary('Give both latitude and longitude, or neither.')).toBeNull();
    const err = validation('zipCode: must be 6 digits');
    expect(fieldIssues(err)).toEqual([{ field: 'zipCode', message: 'must be 6 digits' }]);
    expect(splitFieldErrors(err, ['zipCode'] as const).fields.zipCode).toBe('Must be 6 digits.');
    // errorMessage too never shows the key.
    expect(errorMessage(err)).toBe('PIN code must be 6 digits.');
    // A sentence that is not a summary stays as it is.
    expect(errorMessage(validation('Give both latitude and longitude, or neither.'))).toBe('Give both latitude and longitude, or neither.');
  });

  it('sends any other error to the form, in words', () => {
    const split = splitFieldErrors(new ApiError(401, 'invalid_credentials', 'E-mail or password is incorrect.'), ['email'] as const);
    expect(split).toEqual({ fields: {}, form: 'E-mail or password is incorrect.' });
    expect(splitFieldErrors(null, ['email'] as const)).toEqual({ fields: {}, form: null });
  });

  it('writes field messages as sentences', () => {
    expect(fieldSentence('must be 6 digits')).toBe('Must be 6 digits.');
    expect(fieldSentence('is required')).toBe('This field is required.');
    expect(fieldSentence('Must be a valid e-mail address.')).toBe('Enter a valid e-mail address.');
  });
});

describe('e-mail check before sending', () => {
  it('follows the server’s rule', () => {
    for (const ok of ['customer@quickcommerce.dev', ' Rider1@QuickCommerce.dev ', 'a.b+c@x-y.co.in']) expect(isValidEmail(ok)).toBe(true);
    for (const bad of ['', 'customer', 'customer@', '@quickcommerce.dev', 'customer@quickcommerce', 'cus tomer@x.dev', 'a@x..dev', 'a@.x.dev', 'a@x.dev.', 'a@x_y.dev']) {
      expect(isValidEmail(bad)).toBe(false);
    }
  });
});

describe('waits', () => {
  it('are said as people say them', () => {
    expect(humanizeWaits('Too many attempts. Try again in 897 seconds.')).toBe('Too many attempts. Try again in 15 minutes.');
    expect(humanizeWaits('Try again in 40 seconds.')).toBe('Try again in 40 seconds.');
    expect(errorMessage(new ApiError(429, 'too_many_requests', 'Too many attempts. Try again in 897 seconds.', undefined, 897))).toBe(
      'Too many attempts. Try again in 15 minutes.',
    );
  });
});
