import { createTheme } from '@mui/material/styles';

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

export const theme = createTheme({
  palette: {
    primary: { main: '#0b7a3e' },
    secondary: { main: '#ffc629', contrastText: '#1b1b1b' },
    background: { default: '#f5f7f5' },
  },
  shape: { borderRadius: 10 },
  typography: {
    fontFamily: systemFont,
    button: { textTransform: 'none', fontWeight: 600 },
  },
  components: {
    MuiButton: { defaultProps: { disableElevation: true } },
    MuiCard: { defaultProps: { variant: 'outlined' } },
    MuiPaper: { defaultProps: { variant: 'outlined' } },
    MuiAppBar: { defaultProps: { variant: 'elevation' } },
  },
});
