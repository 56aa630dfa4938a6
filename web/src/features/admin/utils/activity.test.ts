import { describe, expect, it } from 'vitest';
import { activityText } from '@/features/admin/utils/activity';
import { availabilityText, partnerCountsText, partnerState, partnerStateLabel } from '@/features/admin/utils/partner-state';

describe('live activity', () => {
  it('names the order in every line', () => {
    expect(activityText({ kind: 'status', status: 'picked_up' }, 'QC-1234')).toBe('QC-1234 picked up');
    expect(activityText({ kind: 'status', status: 'on_the_way' }, 'QC-1234')).toBe('QC-1234 on the way');
    expect(activityText({ kind: 'status', status: 'delivered' }, 'QC-1234')).toBe('QC-1234 delivered');
    expect(activityText({ kind: 'accepted', partnerName: 'Ravi' }, 'QC-1234')).toBe('QC-1234 accepted by Ravi');
    expect(activityText({ kind: 'cancelled', by: 'customer', reason: 'Changed my mind' }, 'QC-1')).toBe('QC-1 cancelled by the customer');
    expect(activityText({ kind: 'cancelled', by: 'system', reason: 'no_partner_available' }, 'QC-1')).toBe(
      'QC-1 cancelled by the platform: no rider accepted it in time',
    );
    expect(activityText({ kind: 'code-locked' }, 'QC-9')).toMatch(/^QC-9: delivery code locked/);
    expect(activityText({ kind: 'code-reset' }, 'QC-9')).toBe('QC-9: new delivery code sent to the customer');
    expect(activityText({ kind: 'created', itemCount: 1, payout: 4000 }, 'QC-7')).toMatch(/^QC-7 placed \(1 item, ₹\s?40\.00 payout\)$/);
  });

  it('says "Order" until the number is known, never a raw code', () => {
    const line = activityText({ kind: 'status', status: 'picked_up' }, null);
    expect(line).toBe('Order picked up');
    expect(line).not.toMatch(/_/);
  });
});

describe('partner state', () => {
  it('never calls an offline partner available', () => {
    const offline = { online: false, isAvailable: true, activeOrders: 0 };
    expect(partnerState(offline)).toBe('offline');
    expect(availabilityText(offline)).toBe('On, but offline');
    expect(availabilityText(offline)).not.toMatch(/^Available|Yes/);
    expect(partnerState({ online: false, isAvailable: true, activeOrders: 1 })).toBe('offline');
  });

  it('tells delivering, waiting and off-shift partners apart', () => {
    expect(partnerState({ online: true, isAvailable: true, activeOrders: 1 })).toBe('delivering');
    expect(partnerState({ online: true, isAvailable: true, activeOrders: 0 })).toBe('available');
    expect(partnerState({ online: true, isAvailable: false, activeOrders: 0 })).toBe('off_shift');
    expect(partnerStateLabel('available')).toBe('Waiting for orders');
    expect(availabilityText({ online: true, isAvailable: true, activeOrders: 0 })).toBe('Available');
    expect(availabilityText({ online: true, isAvailable: false, activeOrders: 0 })).toBe('Off');
  });

  it('words the dashboard counts as what they count', () => {
    expect(partnerCountsText({ available: 2, busy: 1 })).toBe('2 switched on · 1 delivering');
  });
});
