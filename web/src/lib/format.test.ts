import { describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, formatDistance, formatDuration, formatMoney, formatTime, groupIndian, parseRupees } from '@/lib/format';
import { cancellationText, cancelReasonWords } from '@/lib/order-status';

describe('format', () => {
  it('shows paise as rupees with two decimals and Indian grouping', () => {
    expect(formatMoney(4900)).toBe('₹49.00');
    expect(formatMoney(5)).toBe('₹0.05');
    expect(formatMoney(12345678)).toBe('₹1,23,456.78');
  });
  it('writes money as Intl (en-IN, INR) does, without loading Intl', () => {
    const intl = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
    for (const paise of [0, 1, 99, 100, 4950, 99999, 100000, 1234567, 12345678, 987654321, 100000000000, -5, -4950, -12345678, 12.5]) {
      expect(formatMoney(paise)).toBe(intl.format(paise / 100));
    }
    expect(groupIndian(1234567)).toBe('12,34,567');
    expect(groupIndian(999)).toBe('999');
  });
  it('writes dates and times as Intl (en-IN) does', () => {
    for (let month = 0; month < 12; month += 1) {
      for (const [h, m, s] of [
        [0, 5, 9],
        [9, 30, 0],
        [12, 0, 59],
        [13, 7, 1],
        [23, 59, 30],
      ]) {
        const date = new Date(2026, month, 1 + month * 2, h, m, s);
        const iso = date.toISOString();
        expect(formatDateTime(iso)).toBe(date.toLocaleString('en-IN', { dateStyle: 'medium', timeStyle: 'short' }));
        expect(formatTime(iso)).toBe(date.toLocaleTimeString('en-IN', { hour: '2-digit', minute: '2-digit', second: '2-digit' }));
        expect(formatClock(iso)).toBe(date.toLocaleTimeString('en-IN', { hour: 'numeric', minute: '2-digit' }));
      }
    }
    expect(formatDateTime(null)).toBe('—');
    expect(formatTime('not a date')).toBe('—');
    expect(formatClock(undefined)).toBe('—');
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
