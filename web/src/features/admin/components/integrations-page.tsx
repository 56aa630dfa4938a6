/**
 * Integrations: API keys (systems that call QuickCommerce) and webhooks (events
 * QuickCommerce sends them), see docs/INTEGRATIONS.md. Also the admin app's notice of an
 * endpoint the server switched off (`webhook:disabled`), wherever the admin is.
 */
import { useLocation, useNavigate } from 'react-router';
import { Stack, Typography } from '@mui/material';
import { useSnackbar } from '@/components/snackbar-provider';
import { useSocketEvent } from '@/hooks/use-socket-event';
import { ApiKeysSection } from '@/features/admin/components/api-keys-section';
import { WebhooksSection } from '@/features/admin/components/webhooks-section';
import { disabledNotice } from '@/features/admin/utils/integrations';

export const INTEGRATIONS_PATH = '/admin/integrations';

/** Tells the admin (on any admin page) that the server switched a webhook off; "View" opens the page. */
export function WebhookDisabledNotice() {
  const { notify } = useSnackbar();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  useSocketEvent('webhook:disabled', ({ url, reason }) => {
    const here = pathname === INTEGRATIONS_PATH;
    notify(disabledNotice(url, reason), 'warning', {
      duration: 10_000,
      ...(here ? {} : { action: { label: 'View', onClick: () => void navigate(INTEGRATIONS_PATH) } }),
    });
  });
  return null;
}

export function IntegrationsPage() {
  return (
    <Stack spacing={3} data-testid="integrations-page" sx={{ minWidth: 0 }}>
      <Stack spacing={0.5}>
        <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
          Integrations
        </Typography>
        <Typography color="text.secondary">
          Point-of-sale, ERP and support systems call QuickCommerce with an API key and hear about orders and stock through webhooks.
        </Typography>
      </Stack>
      <ApiKeysSection />
      <WebhooksSection />
    </Stack>
  );
}
