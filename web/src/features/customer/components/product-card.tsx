import { memo, type MouseEvent } from 'react';
import { alpha, type Theme } from '@mui/material/styles';
import { formatMoney } from '@/lib/format';
import { maxQuantity, stockBadge } from '@/features/customer/utils/cart-math';
import { QuantityStepper } from '@/features/customer/components/quantity-stepper';
import type { ProductView } from '@/types/models';

/**
 * The cards' styles, given once to the grid that holds them (`sx`). A card is plain
 * elements with these classes — not a dozen styled MUI components, each building and
 * hashing its styles at every render: the catalog draws 24 of them on its first screen.
 * They look as MUI's Card (outlined), Chip (small), Link and Typography would.
 */
export const PRODUCT_GRID_SX = {
  '& .qc-card': {
    display: 'flex',
    flexDirection: 'column',
    height: '100%',
    minWidth: 0,
    overflow: 'hidden',
    bgcolor: 'background.paper',
    border: 1,
    borderColor: 'divider',
    borderRadius: 1,
    color: 'text.primary',
    // Cards off screen are not laid out nor painted (their pictures neither) until scrolled
    // near: the first screen costs the cards it shows. The size kept meanwhile is a phone's
    // card; once drawn, a card keeps its own (`auto`).
    contentVisibility: 'auto',
    containIntrinsicSize: 'auto 190px auto 246px',
  },
  '& .qc-card-picture': {
    position: 'relative',
    display: 'block',
    overflow: 'hidden',
    bgcolor: '#f0f4f1',
    aspectRatio: { xs: '2 / 1', sm: '4 / 3' },
  },
  '& .qc-card-picture img': { position: 'absolute', inset: 0, width: '100%', height: '100%', objectFit: 'contain', display: 'block' },
  '& .qc-chip': {
    position: 'absolute',
    left: 6,
    display: 'inline-flex',
    alignItems: 'center',
    height: 22,
    maxWidth: 'calc(100% - 12px)',
    px: 1,
    borderRadius: '16px',
    fontSize: '0.8125rem',
    lineHeight: 1,
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    boxSizing: 'border-box',
  },
  '& .qc-chip-discount': { top: 6, bgcolor: 'secondary.main', color: 'secondary.contrastText' },
  '& .qc-chip-stock': { bottom: 6, fontWeight: 600, bgcolor: 'background.paper', border: 1, px: '7px' },
  '& .qc-chip-success': { color: 'success.main', borderColor: 'success.main' },
  '& .qc-chip-warning': { color: 'warning.main', borderColor: 'warning.main' },
  '& .qc-chip-error': { color: 'error.main', borderColor: 'error.main' },
  '& .qc-card-body': { flexGrow: 1, display: 'flex', flexDirection: 'column', gap: 0.25, p: 1, minWidth: 0 },
  '& .qc-card-name': (theme: Theme) => ({
    ...theme.typography.body2,
    fontWeight: 600,
    lineHeight: 1.25,
    color: 'inherit',
    textDecoration: 'none',
    display: '-webkit-box',
    WebkitLineClamp: 2,
    WebkitBoxOrient: 'vertical',
    overflow: 'hidden',
    overflowWrap: 'anywhere',
    '&:hover': { textDecoration: 'underline' },
  }),
  '& .qc-card-unit': (theme: Theme) => ({
    ...theme.typography.caption,
    margin: 0,
    color: theme.palette.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  '& .qc-card-spacer': { flexGrow: 1 },
  '& .qc-card-prices': { display: 'flex', alignItems: 'baseline', gap: 0.75, flexWrap: 'wrap', mb: 0.5 },
  '& .qc-card-price': (theme: Theme) => ({ ...theme.typography.body1, margin: 0, fontWeight: 700 }),
  '& .qc-card-mrp': (theme: Theme) => ({ ...theme.typography.caption, color: theme.palette.text.secondary, textDecoration: 'line-through' }),
  // "Add": as MUI's outlined Button (a 44 px touch target), a plain button.
  '& .qc-card-add': (theme: Theme) => ({
    ...theme.typography.button,
    display: 'inline-flex',
    alignItems: 'center',
    justifyContent: 'center',
    width: '100%',
    minHeight: 44,
    margin: 0,
    padding: '5px 15px',
    borderRadius: theme.shape.borderRadius,
    border: `1px solid ${alpha(theme.palette.primary.main, 0.5)}`,
    backgroundColor: 'transparent',
    color: theme.palette.primary.main,
    cursor: 'pointer',
    transition: 'background-color 250ms, border-color 250ms',
    '&:hover': { backgroundColor: alpha(theme.palette.primary.main, 0.04), borderColor: theme.palette.primary.main },
    '&:focus-visible': { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
    '&:disabled': { color: theme.palette.action.disabled, borderColor: theme.palette.action.disabledBackground, cursor: 'default' },
  }),
} as const;

/**
 * A product in the grid. Compact on phones (two rows fit above the fold): the discount and
 * the stock sit on the picture, and the action (a 44 px "Add" or the − n + stepper) spans
 * the card. Drawn with PRODUCT_GRID_SX's classes (the grid gives them). Its links are plain
 * anchors: the grid opens them in the app (`openInApp`), not one router link per link.
 */
/**
 * For the grid's `onClick`: a plain click on one of the cards' links opens the product in
 * the app (as a router link would), instead of loading the page again. Modified clicks
 * (new tab, new window) are the browser's.
 */
export function openInApp(event: MouseEvent<HTMLElement>, navigate: (to: string) => void): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = (event.target as Element).closest('a[href]');
  if (!link || !event.currentTarget.contains(link) || link.getAttribute('target')) return;
  const href = link.getAttribute('href');
  if (!href || !href.startsWith('/')) return;
  event.preventDefault();
  navigate(href);
}

export const ProductCard = memo(function ProductCard({
  product,
  inCart,
  onAdd,
  onQuantity,
  eager = false,
}: {
  product: ProductView;
  inCart: number;
  /** One of the first cards, seen without scrolling: its picture is fetched at once, first. */
  eager?: boolean;
  onAdd: (product: ProductView) => void;
  onQuantity: (productId: string, quantity: number) => void;
}) {
  const badge = stockBadge(product.stock);
  const discount = product.mrp > product.price ? Math.round(((product.mrp - product.price) / product.mrp) * 100) : 0;
  const to = `/product/${encodeURIComponent(product.id)}`;
  return (
    <div className="qc-card" data-testid="product-card" data-product-id={product.id} data-stock={product.stock} aria-label={product.name}>
      <a href={to} aria-label={`Details of ${product.name}`} tabIndex={-1} className="qc-card-picture">
        <img src={product.imageUrl} alt={product.name} loading={eager ? 'eager' : 'lazy'} fetchPriority={eager ? 'high' : 'auto'} />
        {discount > 0 && <span className="qc-chip qc-chip-discount">{`${discount}% off`}</span>}
        <span className={`qc-chip qc-chip-stock qc-chip-${badge.color}`} data-testid="stock-badge" data-stock={product.stock}>
          {badge.label}
        </span>
      </a>
      <div className="qc-card-body">
        <a href={to} className="qc-card-name" data-testid="product-name">
          {product.name}
        </a>
        <p className="qc-card-unit">
          {product.unit}
          {product.brand ? ` · ${product.brand}` : ''}
        </p>
        <div className="qc-card-spacer" />
        <div className="qc-card-prices">
          <p className="qc-card-price" data-testid="product-price">
            {formatMoney(product.price)}
          </p>
          {product.mrp > product.price && (
            <span className="qc-card-mrp" aria-label={`MRP ${formatMoney(product.mrp)}`}>
              {formatMoney(product.mrp)}
            </span>
          )}
        </div>
        {inCart > 0 ? (
          <QuantityStepper name={product.name} quantity={inCart} max={maxQuantity(product.stock)} onChange={(q) => onQuantity(product.id, q)} fullWidth />
        ) : (
          <button
            type="button"
            className="qc-card-add"
            disabled={product.stock <= 0}
            onClick={() => onAdd(product)}
            aria-label={`Add ${product.name} to cart`}
            data-testid="add-to-cart"
          >
            {product.stock <= 0 ? 'Sold out' : 'Add'}
          </button>
        )}
      </div>
    </div>
  );
});
