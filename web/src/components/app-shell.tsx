/** The frame of every signed-in page: top bar, navigation tabs, connection state, account menu. */
import { lazy, memo, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Link as RouterLink, useLocation } from 'react-router';
import { Alert, AppBar, Box, Button, ButtonBase, Chip, Container, IconButton, Toolbar, Typography } from '@mui/material';
import { AccountIcon } from '@/components/icons';
import { WhenOpened } from '@/components/when-opened';
import { markFirstContent } from '@/lib/first-content';
import { realtime } from '@/lib/socket';
import { useConnectionState } from '@/hooks/use-connection-state';
import { staleNotice } from '@/lib/connection-text';

const AccountMenuPopup = lazy(() => import('@/components/account-menu'));
const ScrollingTabs = lazy(() => import('@/components/scrolling-tabs'));

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

/** The account button; its menu (and the password dialog) load the first time it is pressed. */
function AccountMenu() {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [passwordOpen, setPasswordOpen] = useState(false);
  return (
    <>
      {/* A plain `title`, not MUI's Tooltip: Popper.js would ship with every page's first load. */}
      <IconButton color="inherit" aria-label="Account" title="Account" aria-haspopup="menu" onClick={(e) => setAnchor(e.currentTarget)} data-testid="account-menu" sx={{ width: 44, height: 44 }}>
        <AccountIcon />
      </IconButton>
      <WhenOpened open={anchor !== null || passwordOpen}>
        <AccountMenuPopup anchor={anchor} onClose={() => setAnchor(null)} passwordOpen={passwordOpen} setPasswordOpen={setPasswordOpen} />
      </WhenOpened>
    </>
  );
}

/** Up to this many sections fit a phone's width: plain links, no scrolling tabs. */
const FITTING_TABS = 4;

/**
 * A short navigation (the shop, a rider's or a picker's pages): links drawn as tabs, the
 * current one underlined by CSS. MUI's Tabs measure their indicator (and scrollbar) after
 * every render, a forced layout of the whole page on its first screen; these do not.
 */
const LINKS_SX = {
  display: 'flex',
  minHeight: 44,
  overflowX: 'auto',
  scrollbarWidth: 'none',
  '&::-webkit-scrollbar': { display: 'none' },
  '& .qc-nav-link': {
    position: 'relative',
    flexShrink: 0,
    minWidth: 90,
    maxWidth: 360,
    minHeight: 44,
    px: 2,
    py: 0.5,
    color: 'inherit',
    // As MUI's Tab with this theme: the button's type, unselected at 0.9 (4.7:1 on the green bar).
    fontSize: '0.875rem',
    fontWeight: 600,
    lineHeight: 1.75,
    letterSpacing: '0.02857em',
    opacity: 0.9,
  },
  '& .qc-nav-link[aria-current="page"]': { opacity: 1 },
  '& .qc-nav-link[aria-current="page"]::after': {
    content: '""',
    position: 'absolute',
    left: 0,
    right: 0,
    bottom: 0,
    height: 2,
    bgcolor: 'secondary.main',
  },
  '& .qc-nav-link.Mui-focusVisible': { outline: '2px solid currentColor', outlineOffset: -2 },
} as const;

/**
 * The section's tabs, rendered again only when the page or the items change: MUI's Tabs
 * measure their indicator after every render (a forced layout of the whole page), and the
 * shell renders again with every change of the page under it. A short list is drawn as
 * plain links (see LINKS_SX); a long one scrolls, as MUI's scrollable Tabs.
 */
const NavTabs = memo(function NavTabs({ nav, title, value }: { nav: NavItem[]; title: string; value: string | false }) {
  if (nav.length <= FITTING_TABS) {
    return (
      <Box component="nav" aria-label={`${title} navigation`} sx={LINKS_SX}>
        {nav.map((item) => (
          <ButtonBase
            key={item.to}
            component={RouterLink}
            to={item.to}
            focusRipple
            className="qc-nav-link"
            aria-current={value === item.to ? 'page' : undefined}
            data-testid={`nav-${item.label.toLowerCase().replace(/\s+/g, '-')}`}
          >
            {item.label}
          </ButtonBase>
        ))}
      </Box>
    );
  }
  return (
    // A long list (an admin's sections) scrolls, as MUI's scrollable Tabs: loaded with it.
    <Suspense fallback={<Box sx={{ minHeight: 44 }} />}>
      <ScrollingTabs nav={nav} title={title} value={value} />
    </Suspense>
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
  firstContent = 'shell',
}: {
  title: string;
  nav: NavItem[];
  actions?: ReactNode;
  /** A row under the top bar (the customer's delivery location). */
  subbar?: ReactNode;
  children: ReactNode;
  maxWidth?: 'sm' | 'md' | 'lg' | 'xl' | false;
  /**
   * Who says the first screen has its content (lib/first-content.ts): the shell itself,
   * once drawn (default), or the pages (the shop: its catalog and tracking pages).
   */
  firstContent?: 'shell' | 'pages';
}) {
  const { pathname } = useLocation();
  useEffect(() => {
    if (firstContent === 'shell') markFirstContent();
  }, [firstContent]);
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
