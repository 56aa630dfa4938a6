/** The frame of every signed-in page: top bar, navigation tabs, connection state. */
import type { ReactNode } from 'react';
import { Link as RouterLink, useLocation } from 'react-router';
import { AppBar, Box, Chip, Container, IconButton, Tab, Tabs, Toolbar, Tooltip, Typography } from '@mui/material';
import { LogoutIcon } from '@/components/icons';
import { useAuth } from '@/lib/auth';
import { useConnectionState } from '@/hooks/use-connection-state';

export interface NavItem {
  to: string;
  label: string;
  /** Match only this exact path (for the section's index page). */
  end?: boolean;
}

const STATE_LABEL = {
  idle: 'Offline',
  connecting: 'Connecting',
  connected: 'Live',
  reconnecting: 'Reconnecting',
} as const;

function ConnectionChip() {
  const state = useConnectionState();
  const color = state === 'connected' ? 'success' : state === 'idle' ? 'default' : 'warning';
  return (
    <Chip
      size="small"
      color={color}
      label={STATE_LABEL[state]}
      data-testid="connection-state"
      data-state={state}
      aria-label={`Realtime connection: ${STATE_LABEL[state]}`}
      sx={{ mr: 1, fontWeight: 600 }}
    />
  );
}

function activeTab(nav: NavItem[], pathname: string): string | false {
  const exact = nav.find((item) => item.to === pathname);
  if (exact) return exact.to;
  const prefix = nav
    .filter((item) => !item.end && pathname.startsWith(item.to + '/'))
    .sort((a, b) => b.to.length - a.to.length)[0];
  return prefix ? prefix.to : false;
}

export function AppShell({
  title,
  nav,
  actions,
  children,
  maxWidth = 'lg',
}: {
  title: string;
  nav: NavItem[];
  actions?: ReactNode;
  children: ReactNode;
  maxWidth?: 'sm' | 'md' | 'lg' | 'xl' | false;
}) {
  const { user, logout } = useAuth();
  const { pathname } = useLocation();
  return (
    <Box sx={{ minHeight: '100vh', bgcolor: 'background.default', pb: 4 }}>
      <AppBar position="sticky" elevation={1}>
        <Toolbar sx={{ gap: 1, minHeight: { xs: 56 } }}>
          <Typography variant="h6" component="div" sx={{ fontWeight: 800, flexShrink: 0 }}>
            QuickCommerce
          </Typography>
          <Typography
            variant="body2"
            sx={{ opacity: 0.85, display: { xs: 'none', sm: 'block' }, flexGrow: 1 }}
            data-testid="shell-title"
          >
            {title}
          </Typography>
          <Box sx={{ flexGrow: { xs: 1, sm: 0 } }} />
          <ConnectionChip />
          {actions}
          <Tooltip title={`Sign out ${user?.name ?? ''}`}>
            <IconButton color="inherit" aria-label="Sign out" onClick={() => void logout()} data-testid="logout">
              <LogoutIcon />
            </IconButton>
          </Tooltip>
        </Toolbar>
        <Tabs
          value={activeTab(nav, pathname)}
          variant="scrollable"
          scrollButtons="auto"
          textColor="inherit"
          indicatorColor="secondary"
          aria-label={`${title} navigation`}
          sx={{ minHeight: 40, '& .MuiTab-root': { minHeight: 40, py: 0.5 } }}
        >
          {nav.map((item) => (
            <Tab
              key={item.to}
              value={item.to}
              label={item.label}
              component={RouterLink}
              to={item.to}
              aria-label={item.label}
              data-testid={`nav-${item.label.toLowerCase().replace(/\s+/g, '-')}`}
            />
          ))}
        </Tabs>
      </AppBar>
      <Container maxWidth={maxWidth} sx={{ pt: 2, px: { xs: 1.5, sm: 3 } }} component="main">
        {children}
      </Container>
    </Box>
  );
}
