/**
 * On phones, a bar fixed to the bottom of the shop: "View cart · 3 items · ₹285.00". It
 * opens the cart; the page keeps room under its last row so nothing hides behind it.
 */
import { Box, ButtonBase, Typography } from '@mui/material';
import { CartIcon } from '@/components/icons';
import { usePhone } from '@/hooks/use-phone';
import { formatMoney } from '@/lib/format';
import { loadCartDrawer, useCart } from '@/features/customer/hooks/use-cart';

/** Height of the bar without the safe area (the page's bottom padding). */
export const CART_BAR_SPACE = 72;

export function CartBar() {
  const phone = usePhone();
  const cart = useCart();
  if (!phone || cart.count === 0) return null;
  const words = `${cart.count} ${cart.count === 1 ? 'item' : 'items'} · ${formatMoney(cart.subtotal)}`;
  return (
    <>
      <Box sx={{ height: CART_BAR_SPACE }} aria-hidden />
      <Box
        sx={{
          position: 'fixed',
          left: 0,
          right: 0,
          bottom: 0,
          zIndex: (t) => t.zIndex.appBar - 1,
          px: 1.5,
          pt: 1,
          pb: 'calc(8px + env(safe-area-inset-bottom))',
          background: 'linear-gradient(to top, rgba(245,247,245,1) 70%, rgba(245,247,245,0))',
        }}
      >
        <ButtonBase
          onPointerDown={() => void loadCartDrawer()}
          onClick={() => cart.setDrawerOpen(true)}
          aria-label={`View cart: ${words}`}
          data-testid="cart-bar"
          data-count={cart.count}
          data-subtotal={cart.subtotal}
          sx={{
            width: '100%',
            minHeight: 52,
            px: 2,
            borderRadius: 3,
            bgcolor: 'primary.main',
            color: 'primary.contrastText',
            justifyContent: 'space-between',
            gap: 1,
            boxShadow: 3,
            '&:hover, &.Mui-focusVisible': { bgcolor: 'primary.dark' },
          }}
        >
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, minWidth: 0 }}>
            <CartIcon fontSize="small" />
            <Typography sx={{ fontWeight: 800 }}>View cart</Typography>
          </Box>
          <Typography sx={{ fontWeight: 600, whiteSpace: 'nowrap' }} data-testid="cart-bar-summary">
            {words}
          </Typography>
        </ButtonBase>
      </Box>
    </>
  );
}
