/** "Page not found", with a way home: inside an app's frame, or on its own for any other address. */
import { Link as RouterLink } from 'react-router';
import { Box, Button, Typography } from '@mui/material';

export function NotFound({ home, homeLabel, standalone = false }: { home: string; homeLabel: string; standalone?: boolean }) {
  return (
    <Box
      component={standalone ? 'main' : 'section'}
      sx={{
        textAlign: 'center',
        px: 2,
        py: standalone ? 10 : 6,
        minHeight: standalone ? '100vh' : undefined,
        bgcolor: standalone ? 'background.default' : undefined,
      }}
      data-testid="not-found"
    >
      <Typography variant="h2" component="p" sx={{ fontWeight: 800, color: 'text.secondary' }} aria-hidden>
        404
      </Typography>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, mb: 1 }}>
        Page not found
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 3 }}>
        There is nothing at this address. It may have moved, or the link is mistyped.
      </Typography>
      <Button component={RouterLink} to={home} variant="contained" size="large" sx={{ minHeight: 48 }} data-testid="not-found-home">
        {homeLabel}
      </Button>
    </Box>
  );
}
