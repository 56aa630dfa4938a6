import { StrictMode } from 'react';
import { BrowserRouter } from 'react-router';
import { CssBaseline, ThemeProvider } from '@mui/material';
import { appTheme } from '@/app/theme';
import { AppRoutes } from '@/app/router';
import { AuthProvider } from '@/lib/auth';
import { SnackbarProvider } from '@/components/snackbar-provider';
import { ErrorBoundary } from '@/components/error-boundary';

export function App() {
  return (
    <StrictMode>
      <ThemeProvider theme={appTheme()}>
        <CssBaseline />
        <ErrorBoundary>
          <SnackbarProvider>
            <AuthProvider>
              <BrowserRouter>
                <AppRoutes />
              </BrowserRouter>
            </AuthProvider>
          </SnackbarProvider>
        </ErrorBoundary>
      </ThemeProvider>
    </StrictMode>
  );
}
