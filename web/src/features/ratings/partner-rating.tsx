/** A partner's mean rating and how many rated, for the admin's partners table. */
import { Typography } from '@mui/material';
import { partnerRatingText } from '@/lib/rating';

export function PartnerRating({ rating, count }: { rating?: number | null; count: number }) {
  const rated = rating != null && count > 0;
  return (
    <Typography
      variant="body2"
      component="span"
      sx={{ whiteSpace: 'nowrap', color: rated ? 'text.primary' : 'text.secondary', fontWeight: rated ? 600 : 400 }}
      data-testid="partner-rating"
      data-rating={rated ? rating.toFixed(1) : ''}
      data-count={count}
      aria-label={rated ? `Rated ${rating.toFixed(1)} out of 5 by ${count} ${count === 1 ? 'customer' : 'customers'}` : 'No ratings yet'}
    >
      {rated ? partnerRatingText(rating, count) : '—'}
    </Typography>
  );
}
