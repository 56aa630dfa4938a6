/** The navigation of a section with many pages (the admin's): MUI's scrollable Tabs. */
import { Link as RouterLink } from 'react-router';
import { Tab, Tabs } from '@mui/material';
import type { NavItem } from '@/components/app-shell';

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

export default function ScrollingTabs({ nav, title, value }: { nav: NavItem[]; title: string; value: string | false }) {
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
}
