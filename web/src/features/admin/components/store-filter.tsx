/** "All stores" or one store: the filter every admin list has. */
import { FormControl, InputLabel, MenuItem, Select } from '@mui/material';
import { useAdminStores } from '@/features/admin/hooks/use-admin-stores';

export function StoreFilter({
  value,
  onChange,
  allLabel = 'All stores',
  label = 'Store',
  testId = 'store-filter',
  required = false,
  minWidth = 180,
}: {
  value: string;
  onChange: (storeId: string) => void;
  allLabel?: string;
  label?: string;
  testId?: string;
  /** No "all stores" choice (one store must be picked). */
  required?: boolean;
  minWidth?: number;
}) {
  const { stores } = useAdminStores();
  const id = `${testId}-label`;
  return (
    <FormControl size="small" sx={{ minWidth }}>
      <InputLabel id={id} shrink={!required || !!value}>
        {label}
      </InputLabel>
      <Select
        labelId={id}
        label={label}
        value={stores.some((s) => s.id === value) ? value : ''}
        onChange={(e) => onChange(e.target.value)}
        inputProps={{ 'aria-label': `${label}: filter by store` }}
        data-testid={testId}
        displayEmpty={!required}
        notched={!required || !!value}
        renderValue={(v) => {
          const s = stores.find((x) => x.id === v);
          return s ? `${s.code} · ${s.name}` : required ? '' : allLabel;
        }}
      >
        {!required && <MenuItem value="">{allLabel}</MenuItem>}
        {stores.map((s) => (
          <MenuItem key={s.id} value={s.id} data-testid="store-option" data-store-code={s.code}>
            {s.code} · {s.name}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
