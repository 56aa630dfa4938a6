import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Alert, AlertTitle, Box, Button } from '@mui/material';

interface Props {
  children: ReactNode;
  /** Changing this (e.g. the route) clears a caught error. */
  resetKey?: unknown;
}
interface State {
  error: Error | null;
}

/** Catches render errors below it and offers a way back instead of a blank page. */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('UI error', error, info.componentStack);
  }

  componentDidUpdate(prev: Props): void {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    const chunkFailed = /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(
      error.message,
    );
    return (
      <Box sx={{ p: 3, maxWidth: 640, mx: 'auto' }} role="alert" data-testid="error-boundary">
        <Alert
          severity="error"
          action={
            <Button
              color="inherit"
              size="small"
              aria-label={chunkFailed ? 'Reload the page' : 'Try again'}
              onClick={() => (chunkFailed ? window.location.reload() : this.setState({ error: null }))}
            >
              {chunkFailed ? 'Reload' : 'Try again'}
            </Button>
          }
        >
          <AlertTitle>Something went wrong</AlertTitle>
          {chunkFailed ? 'A new version of the app is available or the network dropped.' : error.message}
        </Alert>
      </Box>
    );
  }
}
