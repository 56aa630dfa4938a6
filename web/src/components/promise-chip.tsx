/** "Late" / "At risk" next to an order whose promised time is past or close. */
import { Chip } from '@mui/material';
import type { PromiseInfo } from '@/lib/order-promise';

export function PromiseChip({ info, testId = 'late-chip', showOnTime = false }: { info: PromiseInfo | null; testId?: string; showOnTime?: boolean }) {
  if (!info) return null;
  if (info.status === 'late') {
    return (
      <Chip
        size="small"
        color="error"
        label={info.lateMinutes > 0 ? `Late ${info.lateMinutes} min` : 'Late'}
        data-testid={testId}
        data-status="late"
        aria-label={`Late: ${info.text}`}
      />
    );
  }
  if (info.status === 'at_risk') {
    return <Chip size="small" color="warning" variant="outlined" label="At risk" data-testid={testId} data-status="at_risk" aria-label={info.text} />;
  }
  return showOnTime ? <Chip size="small" color="success" variant="outlined" label="On time" data-testid={testId} data-status="on_time" /> : null;
}
