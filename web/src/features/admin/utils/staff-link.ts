/** A one-time link as the server gives it (`/set-password?token=…`) made whole for sending. */
export function absoluteLink(setupLink: string, origin: string): string {
  if (/^https?:\/\//i.test(setupLink)) return setupLink;
  return `${origin.replace(/\/+$/, '')}/${setupLink.replace(/^\/+/, '')}`;
}
