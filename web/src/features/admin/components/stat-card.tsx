import type { ReactNode } from 'react';
import { Card, CardContent, Typography } from '@mui/material';

export function StatCard({ label, value, sub, testId, chart }: { label: string; value: ReactNode; sub?: ReactNode; testId: string; chart?: ReactNode }) {
  return (
    <Card>
      <CardContent>
        <Typography variant="overline" color="text.secondary">
          {label}
        </Typography>
        <Typography variant="h4" component="p" sx={{ fontWeight: 700 }} data-testid={testId}>
          {value}
        </Typography>
        {sub && (
          <Typography variant="body2" color="text.secondary" component="div">
            {sub}
          </Typography>
        )}
        {chart}
      </CardContent>
    </Card>
  );
}
