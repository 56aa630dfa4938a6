/** Users with role/status filters, online state, and block / unblock. */
import { useEffect, useState } from 'react';
import {
  Box,
  Button,
  Chip,
  FormControl,
  InputLabel,
  MenuItem,
  Pagination,
  Paper,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { EmptyState, ErrorState, LoadingState } from '@/components/page-state';
import { useSnackbar } from '@/components/snackbar-provider';
import { useAsync } from '@/hooks/use-async';
import { useReconnect } from '@/hooks/use-socket-event';
import { useAuth } from '@/lib/auth';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { adminApi } from '@/features/admin/api/admin-api';
import type { UsersResponse } from '@/types/admin';

const ROLE_LABEL: Record<string, string> = { customer: 'Customer', delivery: 'Partner', admin: 'Admin' };

export function UsersPage() {
  const { user: me } = useAuth();
  const [role, setRole] = useState('');
  const [status, setStatus] = useState('');
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const [busy, setBusy] = useState<string | null>(null);
  const { notify } = useSnackbar();

  useEffect(() => {
    const t = setTimeout(() => {
      setSearch(searchInput.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(t);
  }, [searchInput]);

  const users = useAsync(
    (signal) => adminApi.users({ role: role || undefined, status: status || undefined, search: search || undefined, page, limit: 20 }, signal),
    [role, status, search, page],
  );
  useReconnect(users.reload);

  async function setBlocked(id: string, block: boolean) {
    setBusy(id);
    try {
      const res = block ? await adminApi.blockUser(id) : await adminApi.unblockUser(id);
      users.setData((d: UsersResponse | undefined) =>
        d ? { ...d, users: d.users.map((u) => (u.id === id ? { ...u, ...res.user, online: block ? false : u.online } : u)) } : d,
      );
      notify(block ? `${res.user.name} is blocked and signed out` : `${res.user.name} is unblocked`, 'success');
    } catch (err) {
      notify(errorMessage(err), 'error');
    } finally {
      setBusy(null);
    }
  }

  const list = users.data?.users ?? [];
  return (
    <Box>
      <Typography variant="h5" component="h1" sx={{ fontWeight: 700, mb: 2 }}>
        Users
      </Typography>
      <Stack direction="row" sx={{ gap: 1.5, flexWrap: 'wrap', mb: 2 }} role="search" aria-label="Filter users">
        <TextField size="small" label="Search" value={searchInput} onChange={(e) => setSearchInput(e.target.value)}
          slotProps={{ htmlInput: { 'aria-label': 'Search users by name or e-mail' } }} />
        <FormControl size="small" sx={{ minWidth: 140 }}>
          <InputLabel id="role-filter-label">Role</InputLabel>
          <Select labelId="role-filter-label" label="Role" value={role} onChange={(e) => { setRole(e.target.value); setPage(1); }} inputProps={{ 'aria-label': 'Filter by role' }}>
            <MenuItem value="">All</MenuItem>
            <MenuItem value="customer">Customers</MenuItem>
            <MenuItem value="delivery">Partners</MenuItem>
            <MenuItem value="admin">Admins</MenuItem>
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 140 }}>
          <InputLabel id="ustatus-filter-label">Status</InputLabel>
          <Select labelId="ustatus-filter-label" label="Status" value={status} onChange={(e) => { setStatus(e.target.value); setPage(1); }} inputProps={{ 'aria-label': 'Filter by account status' }}>
            <MenuItem value="">All</MenuItem>
            <MenuItem value="active">Active</MenuItem>
            <MenuItem value="blocked">Blocked</MenuItem>
          </Select>
        </FormControl>
      </Stack>
      {users.loading && !users.data && <LoadingState rows={4} label="Loading users" />}
      {users.error !== null && <ErrorState error={users.error} onRetry={users.reload} />}
      {users.data && list.length === 0 && <EmptyState title="No users match" />}
      {list.length > 0 && (
        <TableContainer component={Paper}>
          <Table size="small" aria-label="Users" data-testid="users-table">
            <TableHead>
              <TableRow>
                <TableCell>Name</TableCell>
                <TableCell>Role</TableCell>
                <TableCell>Online</TableCell>
                <TableCell>Joined</TableCell>
                <TableCell>Status</TableCell>
                <TableCell align="right">Action</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.map((u) => (
                <TableRow key={u.id} data-testid="user-row" data-user-id={u.id}>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {u.name}
                    </Typography>
                    <Typography variant="caption" color="text.secondary">
                      {u.email}
                    </Typography>
                  </TableCell>
                  <TableCell>{ROLE_LABEL[u.role] ?? u.role}</TableCell>
                  <TableCell>
                    <Chip size="small" label={u.online ? 'Online' : 'Offline'} color={u.online ? 'success' : 'default'} />
                  </TableCell>
                  <TableCell>{formatDateTime(u.createdAt)}</TableCell>
                  <TableCell>
                    <Chip size="small" label={u.status === 'blocked' ? 'Blocked' : 'Active'} color={u.status === 'blocked' ? 'error' : 'default'} variant="outlined" />
                  </TableCell>
                  <TableCell align="right">
                    {u.id !== me?.id && u.role !== 'admin' && (
                      <Button size="small" color={u.status === 'blocked' ? 'primary' : 'error'} disabled={busy === u.id}
                        onClick={() => void setBlocked(u.id, u.status !== 'blocked')}
                        aria-label={`${u.status === 'blocked' ? 'Unblock' : 'Block'} ${u.name}`} data-testid="user-block-toggle">
                        {u.status === 'blocked' ? 'Unblock' : 'Block'}
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {users.data && users.data.pagination.totalPages > 1 && (
        <Pagination sx={{ mt: 2, display: 'flex', justifyContent: 'center' }} count={users.data.pagination.totalPages} page={page} onChange={(_, n) => setPage(n)} aria-label="User pages" />
      )}
    </Box>
  );
}
