import { Box, Button, Chip, IconButton, Radio, Stack, Tooltip, Typography } from '@mui/material';
import { AddIcon, EditIcon, StarIcon } from '@/components/icons';
import type { SavedAddressView } from '@/types/models';

export function AddressPicker({
  addresses,
  selectedId,
  onSelect,
  onAdd,
  onEdit,
  onMakeDefault,
}: {
  addresses: SavedAddressView[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  onAdd: () => void;
  onEdit: (address: SavedAddressView) => void;
  onMakeDefault: (address: SavedAddressView) => void;
}) {
  return (
    <Stack spacing={1} role="radiogroup" aria-label="Delivery address" data-testid="address-picker">
      {addresses.map((a) => (
        <Box
          key={a.id}
          sx={{
            display: 'flex',
            alignItems: 'center',
            gap: 1,
            p: 1,
            pl: 0.5,
            minWidth: 0,
            border: 1,
            borderRadius: 2,
            borderColor: a.id === selectedId ? 'primary.main' : 'divider',
            cursor: 'pointer',
          }}
          onClick={() => onSelect(a.id)}
          data-testid="address-option"
          data-address-id={a.id}
        >
          <Radio
            checked={a.id === selectedId}
            onChange={() => onSelect(a.id)}
            slotProps={{ input: { 'aria-label': `Deliver to ${a.label}: ${a.street}, ${a.city}` } }}
          />
          <Box sx={{ flexGrow: 1, minWidth: 0 }}>
            <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap', minWidth: 0 }}>
              <Typography sx={{ fontWeight: 600, overflowWrap: 'anywhere', minWidth: 0 }}>{a.label}</Typography>
              {a.isDefault && <Chip size="small" label="Default" color="primary" variant="outlined" />}
              {a.lat == null && <Chip size="small" label="No map pin" variant="outlined" />}
            </Stack>
            <Typography variant="body2" color="text.secondary" noWrap>
              {a.street}, {a.city}, {a.state} {a.zipCode}
            </Typography>
          </Box>
          {!a.isDefault && (
            <Tooltip title="Make default">
              <IconButton
                sx={{ width: 44, height: 44, flexShrink: 0 }}
                aria-label={`Make ${a.label} the default address`}
                onClick={(e) => {
                  e.stopPropagation();
                  onMakeDefault(a);
                }}
              >
                <StarIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          )}
          <Tooltip title="Edit">
            <IconButton
              sx={{ width: 44, height: 44, flexShrink: 0 }}
              aria-label={`Edit address ${a.label}`}
              onClick={(e) => {
                e.stopPropagation();
                onEdit(a);
              }}
            >
              <EditIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        </Box>
      ))}
      <Button startIcon={<AddIcon />} onClick={onAdd} sx={{ alignSelf: 'flex-start', minHeight: 44 }} aria-label="Add a new address" data-testid="address-add">
        Add address
      </Button>
    </Stack>
  );
}
