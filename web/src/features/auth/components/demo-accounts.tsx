/** One-click fill of the demo logins that `quickcommerce serve --demo` creates. */
import { Box, Button, Stack, Typography } from '@mui/material';

export const DEMO_ACCOUNTS = [
  { label: 'Customer', email: 'customer@quickcommerce.dev', password: 'Customer@123' },
  { label: 'Customer 2', email: 'customer2@quickcommerce.dev', password: 'Customer@123' },
  { label: 'Rider 1', email: 'rider1@quickcommerce.dev', password: 'Rider@12345' },
  { label: 'Rider 2', email: 'rider2@quickcommerce.dev', password: 'Rider@12345' },
  { label: 'Rider 3', email: 'rider3@quickcommerce.dev', password: 'Rider@12345' },
  { label: 'Picker 1', email: 'picker1@quickcommerce.dev', password: 'Picker@12345' },
  { label: 'Picker 2', email: 'picker2@quickcommerce.dev', password: 'Picker@12345' },
  { label: 'Picker 3', email: 'picker3@quickcommerce.dev', password: 'Picker@12345' },
  { label: 'Admin', email: 'admin@quickcommerce.dev', password: 'Admin@12345' },
] as const;

export function DemoAccounts({ onPick }: { onPick: (email: string, password: string) => void }) {
  return (
    <Box sx={{ mt: 3, p: 2, borderRadius: 2, bgcolor: 'action.hover' }} data-testid="demo-accounts">
      <Typography variant="subtitle2" component="h2">
        Demo accounts
      </Typography>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
        On a server started with <code>--demo</code>. Click to fill the form.
      </Typography>
      <Stack direction="row" sx={{ flexWrap: 'wrap', gap: 1 }}>
        {DEMO_ACCOUNTS.map((account) => (
          <Button
            key={account.email}
            size="small"
            variant="outlined"
            onClick={() => onPick(account.email, account.password)}
            aria-label={`Fill in the ${account.label} demo account (${account.email})`}
            data-testid={`demo-${account.label.toLowerCase().replace(/\s+/g, '')}`}
          >
            {account.label}
          </Button>
        ))}
      </Stack>
    </Box>
  );
}
