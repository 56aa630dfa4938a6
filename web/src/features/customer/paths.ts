/** The customer app's pages (the top-level router sends any other address to "not found"). */
export const CUSTOMER_PATHS = ['/', '/product/:productId', '/checkout', '/orders', '/orders/:orderId', '/profile'] as const;
