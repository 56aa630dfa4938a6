/** A whole number with big − and + buttons (gloved fingers, a tablet on a trolley). */
import { IconButton, Stack, Typography } from '@mui/material';
import { AddIcon, RemoveIcon } from '@/components/icons';

export function CountStepper({
  value,
  min,
  max,
  onChange,
  label,
  testId,
}: {
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
  /** What is counted, for screen readers ("Units found"). */
  label: string;
  testId: string;
}) {
  const button = { width: 56, height: 56, border: 1, borderColor: 'divider' } as const;
  return (
    <Stack direction="row" sx={{ alignItems: 'center', gap: 1.5 }} role="group" aria-label={label} data-testid={testId} data-value={value}>
      <IconButton sx={button} onClick={() => onChange(Math.max(min, value - 1))} disabled={value <= min} aria-label={`${label}: one less`} data-testid={`${testId}-less`}>
        <RemoveIcon />
      </IconButton>
      <Typography variant="h4" component="output" aria-live="polite" sx={{ minWidth: 48, textAlign: 'center', fontWeight: 700 }} data-testid={`${testId}-value`}>
        {value}
      </Typography>
      <IconButton sx={button} onClick={() => onChange(Math.min(max, value + 1))} disabled={value >= max} aria-label={`${label}: one more`} data-testid={`${testId}-more`}>
        <AddIcon />
      </IconButton>
    </Stack>
  );
}
