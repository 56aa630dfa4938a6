/**
 * The customer's profile: who they are (name, e-mail, phone), their password, and their
 * saved addresses (add with a map pin, edit, make default, delete) outside checkout.
 */
import { useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  IconButton,
  Stack,
  Tooltip,
  Typography,
} from '@mui/material';
import { AddIcon, DeleteIcon, EditIcon, KeyIcon, StarIcon } from '@/components/icons';
import { ChangePasswordDialog } from '@/components/change-password-dialog';
import { ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { usePhone } from '@/hooks/use-phone';
import { errorMessage } from '@/lib/api-client';
import { useAuth } from '@/lib/auth';
import { formatDateTime } from '@/lib/format';
import { addressApi } from '@/features/customer/api/address-api';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { AddressFormDialog } from '@/features/customer/components/address-form-dialog';
import type { SavedAddressView } from '@/types/models';

function DeleteAddressDialog({
  address,
  busy,
  onClose,
  onConfirm,
}: {
  address: SavedAddressView | null;
  busy: boolean;
  onClose: () => void;
  onConfirm: () => void;
}) {
  const phone = usePhone();
  return (
    <Dialog open={address !== null} onClose={busy ? undefined : onClose} fullScreen={phone} fullWidth maxWidth="xs" aria-labelledby="delete-address-title" data-testid="delete-address-dialog">
      <DialogTitle id="delete-address-title">Delete “{address?.label}”?</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ overflowWrap: 'anywhere' }}>
          {address ? `${address.street}, ${address.city} ${address.zipCode}` : ''} will no longer be offered at checkout. Orders already
          placed to it are not affected.
        </DialogContentText>
      </DialogContent>
      <DialogActions sx={{ p: 2, pb: phone ? 'calc(16px + env(safe-area-inset-bottom))' : 2, gap: 1 }}>
        <Button onClick={onClose} disabled={busy} sx={{ minHeight: 44 }} autoFocus>
          Keep it
        </Button>
        <Button color="error" variant="contained" onClick={onConfirm} disabled={busy} sx={{ minHeight: 44 }} data-testid="delete-address-confirm">
          {busy ? 'Deleting…' : 'Delete address'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function ProfilePage() {
  const { user } = useAuth();
  const location = useDeliveryLocation();
  const { notify } = useSnackbar();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [editing, setEditing] = useState<{ open: boolean; address: SavedAddressView | null }>({ open: false, address: null });
  const [deleting, setDeleting] = useState<SavedAddressView | null>(null);
  const [busy, setBusy] = useState(false);
  const addresses = location.addresses;

  async function remove() {
    if (!deleting) return;
    setBusy(true);
    try {
      await addressApi.remove(deleting.id);
      notify(`${deleting.label} deleted`, 'success');
      setDeleting(null);
      await location.reloadAddresses();
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  async function makeDefault(a: SavedAddressView) {
    try {
      await addressApi.setDefault(a.id);
      await location.reloadAddresses();
      notify(`${a.label} is now your default address`, 'success');
    } catch (err) {
      notify(errorMessage(err), 'error');
    }
  }

  return (
    <Stack spacing={2} data-testid="profile-page" sx={{ maxWidth: 720 }}>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700 }}>
        Your profile
      </Typography>
      <Card>
        <CardContent>
          <Typography variant="h6" component="h2" gutterBottom>
            Your details
          </Typography>
          <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto minmax(0, 1fr)', columnGap: 2, rowGap: 0.75 }}>
            <Typography component="dt" color="text.secondary">
              Name
            </Typography>
            <Typography component="dd" sx={{ m: 0, fontWeight: 600, overflowWrap: 'anywhere' }} data-testid="profile-name">
              {user?.name}
            </Typography>
            <Typography component="dt" color="text.secondary">
              E-mail
            </Typography>
            <Typography component="dd" sx={{ m: 0, overflowWrap: 'anywhere' }} data-testid="profile-email">
              {user?.email}
            </Typography>
            {user?.phone && (
              <>
                <Typography component="dt" color="text.secondary">
                  Phone
                </Typography>
                <Typography component="dd" sx={{ m: 0 }} data-testid="profile-phone">
                  {user.phone}
                </Typography>
              </>
            )}
            {user?.createdAt && (
              <>
                <Typography component="dt" color="text.secondary">
                  Member since
                </Typography>
                <Typography component="dd" sx={{ m: 0 }}>
                  {formatDateTime(user.createdAt)}
                </Typography>
              </>
            )}
          </Box>
          <Button startIcon={<KeyIcon />} onClick={() => setPasswordOpen(true)} sx={{ mt: 2, minHeight: 44 }} data-testid="profile-change-password">
            Change password
          </Button>
        </CardContent>
      </Card>
      <Card>
        <CardContent>
          <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', gap: 1, mb: 1 }}>
            <Typography variant="h6" component="h2">
              Saved addresses
            </Typography>
            <Button
              variant="contained"
              startIcon={<AddIcon />}
              onClick={() => setEditing({ open: true, address: null })}
              sx={{ minHeight: 44, flexShrink: 0 }}
              data-testid="profile-add-address"
            >
              Add address
            </Button>
          </Stack>
          {!addresses && location.addressesError === null && <LoadingState rows={2} label="Loading addresses" />}
          {location.addressesError !== null && !addresses && (
            <ErrorState error={location.addressesError} onRetry={() => void location.reloadAddresses()} />
          )}
          {addresses && addresses.length === 0 && (
            <Alert severity="info">No saved addresses yet. Add one to check out faster.</Alert>
          )}
          <Stack component="ul" spacing={1} sx={{ listStyle: 'none', p: 0, m: 0 }} aria-label="Saved addresses" data-testid="profile-addresses">
            {(addresses ?? []).map((a) => (
              <Box
                component="li"
                key={a.id}
                sx={{ display: 'flex', alignItems: 'center', gap: 1, p: 1, pl: 1.5, border: 1, borderColor: 'divider', borderRadius: 2 }}
                data-testid="profile-address"
                data-address-id={a.id}
                data-label={a.label}
              >
                <Box sx={{ flexGrow: 1, minWidth: 0 }}>
                  <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
                    <Typography sx={{ fontWeight: 700, overflowWrap: 'anywhere' }}>{a.label}</Typography>
                    {a.isDefault && <Chip size="small" label="Default" color="primary" variant="outlined" />}
                    {a.lat == null && <Chip size="small" label="No map pin" variant="outlined" />}
                  </Stack>
                  <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
                    {a.street}, {a.city}, {a.state} {a.zipCode}
                  </Typography>
                </Box>
                {!a.isDefault && (
                  <Tooltip title="Make default">
                    <IconButton aria-label={`Make ${a.label} the default address`} onClick={() => void makeDefault(a)} sx={{ width: 44, height: 44 }}>
                      <StarIcon fontSize="small" />
                    </IconButton>
                  </Tooltip>
                )}
                <Tooltip title="Edit">
                  <IconButton
                    aria-label={`Edit address ${a.label}`}
                    onClick={() => setEditing({ open: true, address: a })}
                    sx={{ width: 44, height: 44 }}
                    data-testid="profile-address-edit"
                  >
                    <EditIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
                <Tooltip title="Delete">
                  <IconButton
                    aria-label={`Delete address ${a.label}`}
                    onClick={() => setDeleting(a)}
                    sx={{ width: 44, height: 44 }}
                    data-testid="profile-address-delete"
                  >
                    <DeleteIcon fontSize="small" />
                  </IconButton>
                </Tooltip>
              </Box>
            ))}
          </Stack>
        </CardContent>
      </Card>
      <AddressFormDialog
        open={editing.open}
        address={editing.address}
        onClose={() => setEditing({ open: false, address: null })}
        onSaved={(saved) => {
          setEditing({ open: false, address: null });
          notify(`${saved.label} saved`, 'success');
          void location.reloadAddresses();
        }}
      />
      <DeleteAddressDialog address={deleting} busy={busy} onClose={() => setDeleting(null)} onConfirm={() => void remove()} />
      <ChangePasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </Stack>
  );
}
