import type { ReactNode } from 'react';
import { Box, Paper, Typography } from '@mui/material';

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box
      component="main"
      sx={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: { xs: 'flex-start', sm: 'center' },
        justifyContent: 'center',
        bgcolor: 'background.default',
        p: { xs: 1.5, sm: 3 },
      }}
    >
      <Paper sx={{ width: '100%', maxWidth: 440, p: { xs: 2.5, sm: 4 }, borderRadius: 3 }}>
        <Typography variant="h4" component="p" sx={{ fontWeight: 800, color: 'primary.main' }}>
          QuickCommerce
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 3 }}>
          Groceries in minutes, tracked live.
        </Typography>
        <Typography variant="h5" component="h1" sx={{ mb: 2 }}>
          {title}
        </Typography>
        {children}
      </Paper>
    </Box>
  );
}
