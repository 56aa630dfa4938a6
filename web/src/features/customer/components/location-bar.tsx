/**
 * The top of the customer app: "Delivery in 18 min · from Bandra West" for the chosen
 * place (or closed, very busy, not served), and the place itself. Tapping it opens the
 * location sheet.
 */
import { Box, ButtonBase, Chip, Typography } from '@mui/material';
import { ExpandMoreIcon, PlaceIcon } from '@/components/icons';
import { useDeliveryLocation } from '@/features/customer/hooks/use-delivery-location';
import { placeDetail, placeTitle, type ServiceTone } from '@/features/customer/utils/place';

const TONE_CHIP: Partial<Record<ServiceTone, { label: string; bg: string; fg: string }>> = {
  busy: { label: 'Very busy', bg: '#ffc629', fg: '#1b1b1b' },
  closed: { label: 'Closed', bg: '#eeeeee', fg: '#1b1b1b' },
  unserved: { label: 'Not served', bg: '#ffcdd2', fg: '#7f0000' },
};

export function LocationBar() {
  const location = useDeliveryLocation();
  const { words, place, store } = location;
  const chip = TONE_CHIP[words.tone];
  const headline = !place && location.ready ? 'Where should we deliver?' : words.headline;
  const detail = words.tone === 'open' || words.tone === 'busy' ? words.detail : '';
  return (
    <Box sx={{ px: { xs: 1, sm: 2 }, pb: 0.75 }}>
      <ButtonBase
        onClick={() => location.setSheetOpen(true)}
        aria-label={`Delivery location: ${placeTitle(place)}. ${headline}${detail ? `, ${detail}` : ''}. Change`}
        aria-haspopup="dialog"
        data-testid="location-bar"
        data-tone={words.tone}
        data-store-code={store?.code ?? ''}
        data-store-name={store?.name ?? ''}
        data-minutes={location.service?.promise?.minutes ?? ''}
        sx={{
          width: '100%',
          justifyContent: 'flex-start',
          textAlign: 'left',
          gap: 1,
          px: 1,
          py: 0.5,
          borderRadius: 2,
          color: 'inherit',
          // Darker than the green bar, not lighter: white text reads at 6.9:1 (its dimmer
          // lines at 6:1 and more), where a white tint left it at 4.5:1 and less (WCAG AA).
          bgcolor: 'rgba(0,0,0,0.15)',
          '&:hover, &.Mui-focusVisible': { bgcolor: 'rgba(0,0,0,0.25)' },
          '&.Mui-focusVisible': { outline: '2px solid currentColor', outlineOffset: 1 },
        }}
      >
        <PlaceIcon fontSize="small" sx={{ flexShrink: 0 }} />
        <Box sx={{ minWidth: 0, flexGrow: 1 }}>
          <Typography
            component="div"
            sx={{ fontWeight: 800, fontSize: { xs: 15, sm: 16 }, lineHeight: 1.25, display: 'flex', alignItems: 'center', gap: 0.75, minWidth: 0 }}
          >
            <Box component="span" data-testid="location-headline" sx={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
              {headline}
              {detail && (
                <Box component="span" sx={{ fontWeight: 500, opacity: 0.92, fontSize: { xs: 13, sm: 14 } }} data-testid="location-detail">
                  {' · '}
                  {detail}
                </Box>
              )}
            </Box>
            {chip && (
              <Chip
                size="small"
                label={chip.label}
                sx={{ height: 20, fontSize: 11, fontWeight: 700, bgcolor: chip.bg, color: chip.fg, flexShrink: 0 }}
              />
            )}
          </Typography>
          <Typography
            variant="caption"
            component="div"
            sx={{ opacity: 0.9, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
            data-testid="location-place"
          >
            <b>{placeTitle(place)}</b>
            {place ? ` · ${placeDetail(place)}` : ''}
          </Typography>
        </Box>
        <ExpandMoreIcon sx={{ flexShrink: 0 }} />
      </ButtonBase>
    </Box>
  );
}
