import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, Stack, Switch, TextField } from '@mui/material';
import { useFieldErrors } from '@/hooks/use-field-errors';
import { adminApi } from '@/features/admin/api/admin-api';
import type { CategoryView } from '@/types/models';

const FIELDS = ['slug', 'name', 'description', 'color', 'icon'] as const;

export function CategoryDialog({ open, category, onClose, onSaved }: { open: boolean; category: CategoryView | null; onClose: () => void; onSaved: () => void }) {
  const [form, setForm] = useState({ slug: '', name: '', description: '', color: '#0b7a3e', icon: '🛒', isActive: true });
  const errors = useFieldErrors(FIELDS);
  const error = errors.formError;
  const [busy, setBusy] = useState(false);
  const { clear } = errors;
  useEffect(() => {
    if (!open) return;
    clear();
    setForm(
      category
        ? { slug: category.slug, name: category.name, description: category.description, color: category.color, icon: category.icon, isActive: true }
        : { slug: '', name: '', description: '', color: '#0b7a3e', icon: '🛒', isActive: true },
    );
  }, [open, category, clear]);
  const set = (key: (typeof FIELDS)[number]) => (e: { target: { value: string } }) => {
    setForm((f) => ({ ...f, [key]: e.target.value }));
    errors.clear(key);
  };
  /** A field's error under it, in words. */
  const field = (key: (typeof FIELDS)[number]) => ({ error: !!errors.fieldError(key), helperText: errors.fieldError(key) });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    errors.clear();
    try {
      if (category) {
        await adminApi.updateCategory(category.id, { name: form.name, description: form.description, color: form.color, icon: form.icon, isActive: form.isActive });
      } else {
        await adminApi.createCategory({ slug: form.slug.trim(), name: form.name.trim(), description: form.description.trim(), color: form.color, icon: form.icon });
      }
      onSaved();
    } catch (err) {
      errors.fail(err);
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
            {!category && <TextField label="Slug" value={form.slug} onChange={set('slug')} {...field('slug')} required size="small" placeholder="frozen-food" slotProps={{ htmlInput: { 'aria-label': 'Slug' } }} />}
            <TextField label="Name" value={form.name} onChange={set('name')} {...field('name')} required size="small" slotProps={{ htmlInput: { 'aria-label': 'Category name' } }} />
            <TextField label="Description" value={form.description} onChange={set('description')} {...field('description')} size="small" multiline slotProps={{ htmlInput: { 'aria-label': 'Category description' } }} />
            <Stack direction="row" spacing={2}>
              <TextField label="Color" type="color" value={form.color} onChange={set('color')} {...field('color')} size="small" sx={{ width: 120 }} slotProps={{ htmlInput: { 'aria-label': 'Category color' } }} />
              <TextField label="Icon (emoji)" value={form.icon} onChange={set('icon')} {...field('icon')} size="small" slotProps={{ htmlInput: { 'aria-label': 'Category icon' } }} />
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
