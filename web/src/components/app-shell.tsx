/** The frame of every signed-in page: top bar, navigation tabs, connection state, account menu. */
import { useState, type ReactNode } from 'react';
import { Link as RouterLink, useLocation } from 'react-router';
import {
  Alert,
  AppBar,
  Box,
  Button,
  Chip,
  Container,
  Divider,
  IconButton,
  ListItemIcon,
  Menu,
  MenuItem,
  Tab,
  Tabs,
  Toolbar,
  Tooltip,
  Typography,
} from '@mui/material';
import { AccountIcon, KeyIcon, LogoutIcon } from '@/components/icons';
import { ChangePasswordDialog } from '@/components/change-password-dialog';
import { useAuth } from '@/lib/auth';
import { realtime } from '@/lib/socket';
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
  closed: 'Paused',
} as const;

function ConnectionChip() {
  const state = useConnectionState();
  const color = state === 'connected' ? 'success' : state === 'idle' || state === 'closed' ? 'default' : 'warning';
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

/** The server closed this tab's live connection because the user opened too many. */
function ClosedBanner() {
  const state = useConnectionState();
  if (state !== 'closed') return null;
  return (
    <Alert
      severity="warning"
      role="alert"
      data-testid="connection-closed"
      sx={{ borderRadius: 0 }}
      action={
        <Button color="inherit" size="small" onClick={() => realtime.reconnect()} aria-label="Reconnect this tab" data-testid="reconnect">
          Reconnect
        </Button>
      }
    >
      This tab was closed because you signed in on too many tabs or devices. Live updates are paused here.
    </Alert>
  );
}

function AccountMenu() {
  const { user, logout } = useAuth();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [passwordOpen, setPasswordOpen] = useState(false);
  return (
    <>
      <Tooltip title="Account">
        <IconButton color="inherit" aria-label="Account" aria-haspopup="menu" onClick={(e) => setAnchor(e.currentTarget)} data-testid="account-menu">
          <AccountIcon />
        </IconButton>
      </Tooltip>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        <Box sx={{ px: 2, py: 1, maxWidth: 260 }}>
          <Typography sx={{ fontWeight: 600 }} noWrap>
            {user?.name}
          </Typography>
          <Typography variant="body2" color="text.secondary" noWrap>
            {user?.email}
          </Typography>
        </Box>
        <Divider />
        <MenuItem
          onClick={() => {
            setAnchor(null);
            setPasswordOpen(true);
          }}
          data-testid="change-password"
        >
          <ListItemIcon>
            <KeyIcon fontSize="small" />
          </ListItemIcon>
          Change password
        </MenuItem>
        <MenuItem
          onClick={() => {
            setAnchor(null);
            void logout();
          }}
          data-testid="logout"
        >
          <ListItemIcon>
            <LogoutIcon fontSize="small" />
          </ListItemIcon>
          Sign out
        </MenuItem>
      </Menu>
      <ChangePasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
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
  subbar,
  children,
  maxWidth = 'lg',
}: {
  title: string;
  nav: NavItem[];
  actions?: ReactNode;
  /** A row under the top bar (the customer's delivery location). */
  subbar?: ReactNode;
  children: ReactNode;
  maxWidth?: 'sm' | 'md' | 'lg' | 'xl' | false;
}) {
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
          <AccountMenu />
        </Toolbar>
        {subbar}
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
        <ClosedBanner />
      </AppBar>
      <Container maxWidth={maxWidth} sx={{ pt: 2, px: { xs: 1.5, sm: 3 } }} component="main">
        {children}
      </Container>
    </Box>
  );
}
