import { useMediaQuery, useTheme } from '@mui/material';

/** True on phone-sized screens (below the `sm` breakpoint). */
export function useIsPhone(): boolean {
  const theme = useTheme();
  return useMediaQuery(theme.breakpoints.down('sm'));
}
