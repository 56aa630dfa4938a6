/** The frame of every signed-in page: top bar, navigation tabs, connection state, account menu. */
import { memo, useEffect, useState, type ReactNode } from 'react';
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
  Typography,
} from '@mui/material';
import { AccountIcon, KeyIcon, LogoutIcon } from '@/components/icons';
import { ChangePasswordDialog } from '@/components/change-password-dialog';
import { useAuth } from '@/lib/auth';
import { realtime } from '@/lib/socket';
import { useConnectionState } from '@/hooks/use-connection-state';
import { staleNotice } from '@/lib/connection-text';

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
  // Without a network the socket may not have noticed yet (its ping takes a while): not "Live".
  const browserOnline = useBrowserOnline();
  const label = !browserOnline && state !== 'idle' && state !== 'closed' ? 'Offline' : STATE_LABEL[state];
  const color = label === 'Live' ? 'success' : state === 'idle' || state === 'closed' ? 'default' : 'warning';
  return (
    <Chip
      size="small"
      color={color}
      label={label}
      data-testid="connection-state"
      data-state={state}
      aria-label={`Realtime connection: ${label}`}
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

/** Whether the browser says it has a network (the `online` / `offline` events). */
function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(() => (typeof navigator === 'undefined' ? true : navigator.onLine !== false));
  useEffect(() => {
    const update = () => setOnline(navigator.onLine !== false);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/**
 * The live connection is down (or the device offline): a banner across the page says the
 * view may be out of date, not only the small chip. Brief blips say nothing.
 */
function StaleBanner() {
  const state = useConnectionState();
  const browserOnline = useBrowserOnline();
  const [since, setSince] = useState(() => ({ state, at: Date.now() }));
  const [now, setNow] = useState(() => Date.now());
  if (since.state !== state) setSince({ state, at: Date.now() });
  const waiting = state === 'connecting' || state === 'reconnecting';
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [waiting]);
  const notice = staleNotice(state, Math.max(0, now - since.at), browserOnline);
  if (!notice) return null;
  return (
    <Alert severity="warning" role="status" aria-live="polite" data-testid="connection-stale" data-state={state} sx={{ borderRadius: 0 }}>
      {notice}
    </Alert>
  );
}

function AccountMenu() {
  const { user, logout } = useAuth();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [passwordOpen, setPasswordOpen] = useState(false);
  return (
    <>
      {/* A plain `title`, not MUI's Tooltip: Popper.js would ship with every page's first load. */}
      <IconButton color="inherit" aria-label="Account" title="Account" aria-haspopup="menu" onClick={(e) => setAnchor(e.currentTarget)} data-testid="account-menu" sx={{ width: 44, height: 44 }}>
        <AccountIcon />
      </IconButton>
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

/**
 * Tabs to sx: static, so they are not built again on every render. 44 px tall: a full
 * touch target on phones and tablets.
 */
const TABS_SX = {
  minHeight: 44,
  // Unselected tabs at 0.9 (MUI's 0.6 reads at 3:1 on the green bar): 4.7:1.
  '& .MuiTab-root': { minHeight: 44, py: 0.5, opacity: 0.9 },
  '& .MuiTab-root.Mui-selected': { opacity: 1 },
} as const;

/**
 * The section's tabs, rendered again only when the page or the items change: MUI's Tabs
 * measure their indicator after every render (a forced layout of the whole page), and the
 * shell renders again with every change of the page under it.
 */
const NavTabs = memo(function NavTabs({ nav, title, value }: { nav: NavItem[]; title: string; value: string | false }) {
  return (
    <Tabs
      value={value}
      variant="scrollable"
      scrollButtons="auto"
      textColor="inherit"
      indicatorColor="secondary"
      aria-label={`${title} navigation`}
      sx={TABS_SX}
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
  );
});

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
        <NavTabs nav={nav} title={title} value={activeTab(nav, pathname)} />
        <ClosedBanner />
        <StaleBanner />
      </AppBar>
      <Container maxWidth={maxWidth} sx={{ pt: 2, px: { xs: 1.5, sm: 3 } }} component="main">
        {children}
      </Container>
    </Box>
  );
}
