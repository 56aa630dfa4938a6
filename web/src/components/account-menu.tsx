/** The account menu of the top bar (name, e-mail, change password, sign out), loaded when first opened. */
import { Box, Divider, ListItemIcon, Menu, MenuItem, Typography } from '@mui/material';
import { KeyIcon, LogoutIcon } from '@/components/icons';
import { ChangePasswordDialog } from '@/components/change-password-dialog';
import { useAuth } from '@/lib/auth';

export default function AccountMenuPopup({
  anchor,
  onClose,
  passwordOpen,
  setPasswordOpen,
}: {
  anchor: HTMLElement | null;
  onClose: () => void;
  passwordOpen: boolean;
  setPasswordOpen: (open: boolean) => void;
}) {
  const { user, logout } = useAuth();
  return (
    <>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={onClose}>
        <Box sx={{ px: 2, py: 1, maxWidth: 260 }}>
          <Typography sx={{ fontWeight: 600 }} noWrap>
            {user?.name}
          </Typography>
          <Typography variant="body2" color="text.secondary" noWrap>
            {user?.email}
          </Typography>
        </Box>
        <Divider />
        <MenuItem
          onClick={() => {
            onClose();
            setPasswordOpen(true);
          }}
          data-testid="change-password"
        >
          <ListItemIcon>
            <KeyIcon fontSize="small" />
          </ListItemIcon>
          Change password
        </MenuItem>
        <MenuItem
          onClick={() => {
            onClose();
            void logout();
          }}
          data-testid="logout"
        >
          <ListItemIcon>
            <LogoutIcon fontSize="small" />
          </ListItemIcon>
          Sign out
        </MenuItem>
      </Menu>
      <ChangePasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
}
