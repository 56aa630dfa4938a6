import { describe, expect, it } from 'vitest';
import { formatDistance, formatDuration, formatMoney, parseRupees } from '@/lib/format';
import { cancellationText, cancelReasonWords } from '@/lib/order-status';

describe('format', () => {
  it('shows paise as rupees with two decimals and Indian grouping', () => {
    expect(formatMoney(4900)).toBe('₹49.00');
    expect(formatMoney(5)).toBe('₹0.05');
    expect(formatMoney(12345678)).toBe('₹1,23,456.78');
  });
  it('parses typed rupees into paise', () => {
    expect(parseRupees('49.5')).toBe(4950);
    expect(parseRupees(' 100 ')).toBe(10000);
    expect(parseRupees('1.005')).toBeNull();
    expect(parseRupees('abc')).toBeNull();
  });
  it('formats durations and distances', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(794)).toBe('13 min');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDistance(850)).toBe('850 m');
    expect(formatDistance(4411)).toBe('4.4 km');
  });
});

describe('cancellation reasons', () => {
  it('explains a platform cancellation to the customer, and shows typed reasons as typed', () => {
    expect(cancellationText('no_partner_available')).toBe(
      'No rider was available for your order, so we cancelled it. Nothing was charged and the items went back on the shelf.',
    );
    expect(cancellationText('Customer asked by phone')).toBe('Cancelled: Customer asked by phone');
    expect(cancellationText(null)).toBe('Cancelled');
    expect(cancelReasonWords('store_closed')).toBe('Store closed');
    expect(cancelReasonWords('Out of area')).toBe('Out of area');
  });
});
