/** Loading, empty and error states shared by every page. */
import type { ReactNode } from 'react';
import { Alert, Box, Button, CircularProgress, Skeleton, Stack, Typography } from '@mui/material';
import { errorMessage } from '@/lib/api-client';

export function LoadingState({ label = 'Loading…', rows }: { label?: string; rows?: number }) {
  if (rows) {
    return (
      <Stack spacing={1} aria-busy="true" aria-label={label} data-testid="loading-state">
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} variant="rounded" height={56} />
        ))}
      </Stack>
    );
  }
  return (
    <Box
      sx={{ display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 2, py: 6 }}
      role="status"
      aria-live="polite"
      data-testid="loading-state"
    >
      <CircularProgress size={28} aria-label={label} />
      <Typography color="text.secondary">{label}</Typography>
    </Box>
  );
}

export function EmptyState({ title, hint, action }: { title: string; hint?: string; action?: ReactNode }) {
  return (
    <Box sx={{ textAlign: 'center', py: 6, px: 2 }} data-testid="empty-state">
      <Typography variant="h6" component="p" gutterBottom>
        {title}
      </Typography>
      {hint && (
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          {hint}
        </Typography>
      )}
      {action}
    </Box>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <Alert
      severity="error"
      role="alert"
      data-testid="error-state"
      action={
        onRetry && (
          <Button color="inherit" size="small" onClick={onRetry} aria-label="Retry">
            Retry
          </Button>
        )
      }
      sx={{ my: 2 }}
    >
      {errorMessage(error)}
    </Alert>
  );
}
