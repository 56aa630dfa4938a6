/**
 * Where the customer shops for, and which store serves it: the place (a saved address, the
 * device's location, a pin or a PIN code; kept per user in localStorage, the default
 * address until they choose), its serviceability (store, state, promise; checked again
 * every 20 s while the tab is visible, and after a reconnect), the saved addresses, and
 * whether the location sheet is open. Every store-scoped request (catalog, product,
 * cart check, checkout) takes `scope` from here.
 */
import { createContext, startTransition, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useAuth } from '@/lib/auth';
import { errorCode, takeEarlyData } from '@/lib/api-client';
import { useReconnect } from '@/hooks/use-socket-event';
import { realtime } from '@/lib/socket';
import { addressApi } from '@/features/customer/api/address-api';
import { checkServiceability } from '@/features/customer/api/catalog-api';
import {
  describeService,
  parsePlace,
  placeKey,
  resolvePlace,
  serviceQuery,
  storeScope,
  type Place,
  type ServiceWords,
  type StoreScope,
} from '@/features/customer/utils/place';
import type { AddressesResponse, SavedAddressView, ServiceabilityResponse, StoreRef } from '@/types/models';

/** How often the place's serviceability is checked again (store paused, busy, reopened). */
export const SERVICE_REFRESH_MS = 20_000;

export interface DeliveryLocation {
  place: Place | null;
  /** The place is settled (stored, or the saved addresses have loaded). */
  ready: boolean;
  /** The serviceability of `place` (null while it is being checked). */
  service: ServiceabilityResponse | null;
  serviceError: unknown;
  checking: boolean;
  words: ServiceWords;
  /** The store serving `place`, even when it is closed or busy. */
  store: StoreRef | null;
  /** What store-scoped requests send (`storeId` when known). */
  scope: StoreScope;
  /** `scope` is final for this place: fetch the catalog now. */
  scopeReady: boolean;
  setPlace: (place: Place) => void;
  refresh: () => Promise<ServiceabilityResponse | null>;
  addresses: SavedAddressView[] | null;
  addressesError: unknown;
  reloadAddresses: () => Promise<SavedAddressView[] | null>;
  sheetOpen: boolean;
  setSheetOpen: (open: boolean) => void;
}

const LocationContext = createContext<DeliveryLocation | null>(null);

function readStored(key: string): Place | null {
  try {
    return parsePlace(localStorage.getItem(key));
  } catch {
    return null;
  }
}

/**
 * What the boot script already has for the first render (scripts/boot.js): the saved
 * addresses, and the serviceability of the place they give. Each is taken once.
 */
function earlyStart(stored: Place | null, token: string | null) {
  const addresses = takeEarlyData<AddressesResponse>('/api/customer/addresses', undefined, token)?.addresses ?? null;
  const place = resolvePlace(stored, addresses);
  const service = place ? takeEarlyData<ServiceabilityResponse>('/api/customer/serviceability', serviceQuery(place), token) : undefined;
  return { addresses, service: place && service ? { key: placeKey(place), res: service } : null };
}

export function DeliveryLocationProvider({ children }: { children: ReactNode }) {
  const { user, token } = useAuth();
  const storageKey = `qc.place.${user?.id ?? 'anon'}`;
  const [stored, setStored] = useState<Place | null>(() => readStored(storageKey));
  const [early] = useState(() => earlyStart(stored, token));
  const [addresses, setAddresses] = useState<SavedAddressView[] | null>(early.addresses);
  const [addressesError, setAddressesError] = useState<unknown>(null);
  const [addressesSettled, setAddressesSettled] = useState(early.addresses !== null);
  const [sheetOpen, setSheetOpen] = useState(false);

  const reloadAddresses = useCallback(async () => {
    try {
      const res = await addressApi.list();
      // The catalog re-renders from this: in slices (a transition), not one long task.
      startTransition(() => {
        setAddresses(res.addresses);
        setAddressesError(null);
        setAddressesSettled(true);
      });
      return res.addresses;
    } catch (err) {
      setAddressesError(err);
      setAddressesSettled(true);
      return null;
    }
  }, []);
  useEffect(() => {
    // Not again when the first render had them already.
    if (!early.addresses) void reloadAddresses();
  }, [reloadAddresses, early]);

  const place = useMemo(() => resolvePlace(stored, addresses), [stored, addresses]);
  const ready = addressesSettled || stored !== null;
  const key = placeKey(place);

  const setPlace = useCallback(
    (next: Place) => {
      setStored(next);
      try {
        localStorage.setItem(storageKey, JSON.stringify(next));
      } catch {
        // Private mode: the choice lasts as long as the tab.
      }
    },
    [storageKey],
  );

  // Serviceability of the current place; answers for an older place are ignored.
  const [service, setService] = useState<{ key: string; res: ServiceabilityResponse } | null>(early.service);
  const [failure, setFailure] = useState<{ key: string; error: unknown } | null>(null);
  const [checking, setChecking] = useState(false);
  const latest = useRef(0);
  const placeRef = useRef(place);
  placeRef.current = place;

  const refresh = useCallback(async (): Promise<ServiceabilityResponse | null> => {
    const p = placeRef.current;
    const id = ++latest.current;
    if (!p) {
      setService(null);
      setFailure(null);
      return null;
    }
    const k = placeKey(p);
    setChecking(true);
    try {
      const res = await checkServiceability(serviceQuery(p));
      if (id === latest.current) {
        startTransition(() => {
          setService({ key: k, res });
          setFailure(null);
          setChecking(false);
        });
      }
      return res;
    } catch (err) {
      if (id === latest.current) {
        setFailure({ key: k, error: err });
        setChecking(false);
      }
      // Deleted on another device: the addresses fall back to the default one.
      if (errorCode(err) === 'address_not_found') void reloadAddresses();
      return null;
    }
  }, [reloadAddresses]);

  // (Not at first for the place whose serviceability the first render had already.)
  const checkedAtStart = useRef(early.service?.key ?? null);
  useEffect(() => {
    if (!ready) return;
    if (checkedAtStart.current !== null && checkedAtStart.current === key) {
      checkedAtStart.current = null;
      return;
    }
    checkedAtStart.current = null;
    void refresh();
  }, [key, ready, refresh]);

  // Stores pause, get busy and open again: check again while the tab is seen.
  useEffect(() => {
    if (!ready || !key) return;
    const tick = () => {
      if (typeof document === 'undefined' || document.visibilityState === 'visible') void refresh();
    };
    const timer = setInterval(tick, SERVICE_REFRESH_MS);
    const onVisible = () => document.visibilityState === 'visible' && void refresh();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [key, ready, refresh]);
  useReconnect(() => void refresh());

  const current = service && service.key === key ? service.res : null;
  const serviceError = failure && failure.key === key ? failure.error : null;
  const store = current?.store ?? null;
  const storeId = store?.id ?? null;
  const scope = useMemo(() => storeScope(place, storeId), [key, storeId]); // eslint-disable-line react-hooks/exhaustive-deps
  // Live stock of this store only (the catalog, product page and cart show no other).
  useEffect(() => {
    realtime.watchCatalog(storeId);
  }, [storeId]);
  const scopeReady = ready && (place === null || current !== null || serviceError !== null);

  const value = useMemo<DeliveryLocation>(
    () => ({
      place,
      ready,
      service: current,
      serviceError,
      checking,
      words: describeService(current),
      store,
      scope,
      scopeReady,
      setPlace,
      refresh,
      addresses,
      addressesError,
      reloadAddresses,
      sheetOpen,
      setSheetOpen,
    }),
    [place, ready, current, serviceError, checking, store, scope, scopeReady, setPlace, refresh, addresses, addressesError, reloadAddresses, sheetOpen],
  );
  return <LocationContext.Provider value={value}>{children}</LocationContext.Provider>;
}

export function useDeliveryLocation(): DeliveryLocation {
  const value = useContext(LocationContext);
  if (!value) throw new Error('useDeliveryLocation must be used inside <DeliveryLocationProvider>');
  return value;
}
