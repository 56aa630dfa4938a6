/**
 * "If out of stock: Best match | Refund", under each line at checkout, and the hook that
 * keeps the choices (refunds remembered per product in this browser).
 */
import { useCallback, useEffect, useState } from 'react';
import { Stack, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useAuth } from '@/lib/auth';
import { choiceOf, parsePrefs, prefsKey, withChoice, type SubstitutionPrefs } from '@/features/customer/utils/substitution';
import type { SubstitutionPref } from '@/types/fulfilment';

export function useSubstitutionChoices() {
  const { user } = useAuth();
  const key = prefsKey(user?.id);
  const read = useCallback((): SubstitutionPrefs => {
    try {
      return parsePrefs(localStorage.getItem(key));
    } catch {
      return {};
    }
  }, [key]);
  const [prefs, setPrefs] = useState<SubstitutionPrefs>(read);
  useEffect(() => setPrefs(read()), [read]);

  const set = useCallback(
    (productId: string, choice: SubstitutionPref) => {
      setPrefs((current) => {
        const next = withChoice(current, productId, choice);
        try {
          localStorage.setItem(key, JSON.stringify(next));
        } catch {
          // Private mode: the choice lasts for this page.
        }
        return next;
      });
    },
    [key],
  );
  return { prefs, choice: (productId: string) => choiceOf(prefs, productId), set };
}

export function SubstitutionChoice({
  productId,
  name,
  value,
  onChange,
}: {
  productId: string;
  name: string;
  value: SubstitutionPref;
  onChange: (productId: string, choice: SubstitutionPref) => void;
}) {
  return (
    <Stack
      direction="row"
      sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap', pb: 1, pl: { xs: 0, sm: 1 } }}
      data-testid="substitution-choice"
      data-product-id={productId}
      data-value={value}
    >
      <Typography variant="caption" color="text.secondary" sx={{ flexShrink: 0 }}>
        If out of stock:
      </Typography>
      <ToggleButtonGroup
        exclusive
        size="small"
        value={value}
        onChange={(_, next: SubstitutionPref | null) => next && onChange(productId, next)}
        aria-label={`If ${name} is out of stock`}
        sx={{ '& .MuiToggleButton-root': { minHeight: 36, px: 1.5, py: 0.25, textTransform: 'none' } }}
      >
        <ToggleButton value="best_match" aria-label={`Best match for ${name}`} data-testid="substitution-best-match">
          Best match
        </ToggleButton>
        <ToggleButton value="refund" aria-label={`Refund ${name}`} data-testid="substitution-refund">
          Refund
        </ToggleButton>
      </ToggleButtonGroup>
    </Stack>
  );
}
