import { createTheme, type Theme } from '@mui/material/styles';

/** System fonts only: the CSP allows no external font, and none is bundled. */
const systemFont = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  '"Noto Sans"',
  'sans-serif',
  '"Apple Color Emoji"',
  '"Segoe UI Emoji"',
].join(',');

function makeTheme(): Theme {
  return createTheme({
    palette: {
      primary: { main: '#0b7a3e' },
      secondary: { main: '#ffc629', contrastText: '#1b1b1b' },
      // MUI's default orange and light blue read at 3.1:1 and 3.9:1 as text and chip
      // labels on white: these darker ones pass WCAG AA (4.9:1, 4.8:1).
      warning: { main: '#b85400' },
      info: { main: '#0277bd' },
      background: { default: '#f5f7f5' },
    },
    shape: { borderRadius: 10 },
    typography: {
      fontFamily: systemFont,
      button: { textTransform: 'none', fontWeight: 600 },
    },
    components: {
      // A large button is a main action: a full 44 px touch target (MUI draws it 42 px).
      MuiButton: { defaultProps: { disableElevation: true }, styleOverrides: { sizeLarge: { minHeight: 44 } } },
      MuiCard: { defaultProps: { variant: 'outlined' } },
      MuiPaper: { defaultProps: { variant: 'outlined' } },
      MuiAppBar: { defaultProps: { variant: 'elevation' } },
      // A banner's buttons ("Retry", "Turn on", its close button) are small: on touch screens
      // they are full 44 px touch targets.
      MuiAlert: {
        styleOverrides: {
          action: {
            '@media (pointer: coarse)': {
              '& .MuiButton-root': { minHeight: 44 },
              '& .MuiIconButton-root': { minWidth: 44, minHeight: 44 },
            },
          },
        },
      },
    },
  });
}

let built: Theme | null = null;

/**
 * The app's theme, built at its first use (main.tsx asks for it in a task of its own while
 * the page's data arrives, rather than while the app's code is evaluated).
 */
export function appTheme(): Theme {
  built ??= makeTheme();
  return built;
}

