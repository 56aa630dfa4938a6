import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, Switch, TextField } from '@mui/material';
import { errorMessage } from '@/lib/api-client';
import { adminApi } from '@/features/admin/api/admin-api';
import type { CategoryView } from '@/types/models';

export function CategoryDialog({ open, category, onClose, onSaved }: { open: boolean; category: CategoryView | null; onClose: () => void; onSaved: () => void }) {
  const [form, setForm] = useState({ slug: '', name: '', description: '', color: '#0b7a3e', icon: '🛒', isActive: true });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!open) return;
    setError(null);
    setForm(
      category
        ? { slug: category.slug, name: category.name, description: category.description, color: category.color, icon: category.icon, isActive: true }
        : { slug: '', name: '', description: '', color: '#0b7a3e', icon: '🛒', isActive: true },
    );
  }, [open, category]);
  const set = (key: 'slug' | 'name' | 'description' | 'color' | 'icon') => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (category) {
        await adminApi.updateCategory(category.id, { name: form.name, description: form.description, color: form.color, icon: form.icon, isActive: form.isActive });
      } else {
        await adminApi.createCategory({ slug: form.slug.trim(), name: form.name.trim(), description: form.description.trim(), color: form.color, icon: form.icon });
      }
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="xs" aria-labelledby="category-dialog-title">
      <form onSubmit={submit} aria-label="Category form">
        <DialogTitle id="category-dialog-title">{category ? `Edit ${category.name}` : 'New category'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            {error && <Alert severity="error">{error}</Alert>}
            {!category && <TextField label="Slug" value={form.slug} onChange={set('slug')} required size="small" placeholder="frozen-food" slotProps={{ htmlInput: { 'aria-label': 'Slug' } }} />}
            <TextField label="Name" value={form.name} onChange={set('name')} required size="small" slotProps={{ htmlInput: { 'aria-label': 'Category name' } }} />
            <TextField label="Description" value={form.description} onChange={set('description')} size="small" multiline slotProps={{ htmlInput: { 'aria-label': 'Category description' } }} />
            <Stack direction="row" spacing={2}>
              <TextField label="Color" type="color" value={form.color} onChange={set('color')} size="small" sx={{ width: 120 }} slotProps={{ htmlInput: { 'aria-label': 'Category color' } }} />
              <TextField label="Icon (emoji)" value={form.icon} onChange={set('icon')} size="small" slotProps={{ htmlInput: { 'aria-label': 'Category icon' } }} />
            </Stack>
            {category && (
              <FormControlLabel control={<Switch checked={form.isActive} onChange={(e) => setForm((f) => ({ ...f, isActive: e.target.checked }))} slotProps={{ input: { 'aria-label': 'Category is visible' } }} />} label="Visible to customers" />
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} aria-label="Cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy} aria-label="Save category">
            Save
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
