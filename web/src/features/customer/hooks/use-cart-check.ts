/**
 * The live inventory check of the cart (`POST /cart/validate`) against the store of the
 * customer's place, re-run as the cart or the store changes.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { validateCart } from '@/features/customer/api/cart-api';
import { issuesFromValidation, type CartItem, type LineIssues } from '@/features/customer/utils/cart-math';
import type { StoreScope } from '@/features/customer/utils/place';
import type { CartValidateResponse } from '@/types/models';

export function useCartCheck(items: CartItem[], enabled: boolean, scope: StoreScope) {
  const [result, setResult] = useState<CartValidateResponse | null>(null);
  const [issues, setIssues] = useState<LineIssues>({});
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const latest = useRef(0);
  const key = `${JSON.stringify(scope)}|${items.map((i) => `${i.productId}:${i.quantity}`).join(',')}`;

  const check = useCallback(async (): Promise<CartValidateResponse | null> => {
    const id = ++latest.current;
    if (items.length === 0) {
      setResult(null);
      setIssues({});
      return null;
    }
    setChecking(true);
    setError(null);
    try {
      const res = await validateCart(
        items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
        scope,
      );
      if (id === latest.current) {
        setResult(res);
        setIssues(issuesFromValidation(res));
      }
      return res;
    } catch (err) {
      if (id === latest.current) setError(err);
      return null;
    } finally {
      if (id === latest.current) setChecking(false);
    }
    // `key` stands for `items` and `scope`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => {
    if (!enabled) return;
    const t = setTimeout(() => void check(), 250);
    return () => clearTimeout(t);
  }, [enabled, check]);

  return { result, issues, setIssues, checking, error, check };
}
