/** Phone-sized screen (below MUI's `sm`): dialogs go full-screen, layouts get compact. */
import { useMediaQuery, useTheme } from '@mui/material';

export function usePhone(): boolean {
  const theme = useTheme();
  // noSsr: the first render already knows (no flash of a desktop dialog on a phone).
  return useMediaQuery(theme.breakpoints.down('sm'), { noSsr: true });
}
