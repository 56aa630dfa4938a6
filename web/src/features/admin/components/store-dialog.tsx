/**
 * Open or change a store: code (only when opening), name, address, where it is (click the
 * map or drag its pin), its delivery zone drawn on the map (or pasted as GeoJSON) and/or
 * PIN codes, time zone, opening hours per weekday, pause, the promise settings and how
 * new orders reach riders (dispatch mode, offer timeout, rounds).
 */
import { lazy, Suspense, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Alert,
  Autocomplete,
  Box,
  Button,
  Checkbox,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  FormControlLabel,
  IconButton,
  Skeleton,
  Stack,
  Switch,
  TextField,
  ToggleButton,
  ToggleButtonGroup,
  Tooltip,
  Typography,
  useMediaQuery,
  useTheme,
} from '@mui/material';
import { AddIcon, CloseIcon, DeleteIcon, ExpandMoreIcon } from '@/components/icons';
import { ApiError, errorMessage, fieldLabel } from '@/lib/api-client';
import { adminApi } from '@/features/admin/api/admin-api';
import { useAdminStores } from '@/features/admin/hooks/use-admin-stores';
import { storeColor } from '@/features/admin/utils/store-colors';
import {
  ALL_DAY,
  buildStoreRequest,
  emptyForm,
  formFromStore,
  isAllDay,
  SETTINGS,
  WEEKDAYS,
  zoneOf,
  zoneStats,
  type FormErrors,
  type NumericSetting,
  type StoreForm,
} from '@/features/admin/utils/store-form';
import { config } from '@/config/env';
import type { AdminStore, DispatchMode, OpeningInterval, Weekday, ZoneGeometry } from '@/types/admin';

/** Settings shown under "Dispatch" rather than "Promise settings". */
const DISPATCH_KEYS = new Set<NumericSetting>(['offerTimeoutSecs', 'maxOfferRounds']);

const StoreZoneEditor = lazy(() => import('@/features/admin/components/store-zone-editor'));

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['Asia/Kolkata', 'UTC'];
  } catch {
    return ['Asia/Kolkata', 'UTC'];
  }
}

/** The server's refusal, per field where it names one. */
function serverFieldErrors(error: unknown): FormErrors {
  const out: FormErrors = {};
  if (error instanceof ApiError) {
    if (error.code === 'invalid_zone') out.zone = errorMessage(error);
    if (error.code === 'invalid_hours') out.hours = errorMessage(error);
    if (error.code === 'store_code_taken') out.code = errorMessage(error);
    if (error.code === 'validation_error' && Array.isArray(error.details)) {
      for (const d of error.details as { field?: string; message?: string }[]) {
        if (!d.field || !d.message) continue;
        const key = SETTINGS.some((s) => s.key === d.field) ? `settings.${d.field}` : d.field;
        out[key] = `${fieldLabel(d.field)} ${d.message}.`;
      }
    }
  }
  return out;
}

function DayHours({
  day,
  label,
  list,
  error,
  onChange,
}: {
  day: Weekday;
  label: string;
  list: OpeningInterval[];
  error?: string;
  onChange: (list: OpeningInterval[]) => void;
}) {
  const open = list.length > 0;
  const allDay = isAllDay(list);
  const set = (i: number, patch: Partial<OpeningInterval>) => onChange(list.map((iv, j) => (j === i ? { ...iv, ...patch } : iv)));
  return (
    <Box sx={{ py: 0.75, borderBottom: 1, borderColor: 'divider' }} data-testid="hours-day" data-day={day}>
      <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography sx={{ width: 92, fontWeight: 600 }}>{label}</Typography>
        <FormControlLabel
          control={
            <Switch
              size="small"
              checked={open}
              onChange={(e) => onChange(e.target.checked ? [{ open: '07:00', close: '23:00' }] : [])}
              slotProps={{ input: { 'aria-label': `${label}: open` } }}
            />
          }
          label={open ? 'Open' : 'Closed'}
          sx={{ minWidth: 96 }}
        />
        {open && (
          <FormControlLabel
            control={
              <Checkbox
                size="small"
                checked={allDay}
                onChange={(e) => onChange(e.target.checked ? [ALL_DAY] : [{ open: '07:00', close: '23:00' }])}
                slotProps={{ input: { 'aria-label': `${label}: open 24 hours` } }}
              />
            }
            label="24 h"
          />
        )}
      </Stack>
      {open && !allDay && (
        <Stack spacing={1} sx={{ pl: { sm: '100px' }, pt: 0.5 }}>
          {list.map((iv, i) => (
            <Stack key={i} direction="row" sx={{ gap: 1, alignItems: 'center' }}>
              <TextField
                type="time"
                size="small"
                label="Opens"
                value={iv.open}
                onChange={(e) => set(i, { open: e.target.value })}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'aria-label': `${label}: opens at`, step: 300 } }}
              />
              <TextField
                type="time"
                size="small"
                label="Closes"
                value={iv.close === '24:00' ? '00:00' : iv.close}
                onChange={(e) => set(i, { close: e.target.value })}
                helperText={iv.close <= iv.open && iv.close !== '' ? 'next day' : ' '}
                slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'aria-label': `${label}: closes at`, step: 300 } }}
              />
              <Tooltip title="Remove these hours">
                <span>
                  <IconButton size="small" disabled={list.length === 1} onClick={() => onChange(list.filter((_, j) => j !== i))} aria-label={`${label}: remove hours ${i + 1}`}>
                    <DeleteIcon fontSize="small" />
                  </IconButton>
                </span>
              </Tooltip>
            </Stack>
          ))}
          <Button size="small" startIcon={<AddIcon />} onClick={() => onChange([...list, { open: '17:00', close: '22:00' }])} sx={{ alignSelf: 'flex-start' }} aria-label={`${label}: add hours`}>
            Add hours
          </Button>
        </Stack>
      )}
      {error && (
        <Typography variant="caption" color="error">
          {error}
        </Typography>
      )}
    </Box>
  );
}

export function StoreDialog({
  open,
  store,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** null: a new store. */
  store: AdminStore | null;
  onClose: () => void;
  onSaved: (store: AdminStore) => void;
}) {
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('sm'));
  const { stores } = useAdminStores();
  const creating = store === null;
  const [form, setForm] = useState<StoreForm>(() => emptyForm(null));
  const [zoneVersion, setZoneVersion] = useState(0);
  const [errors, setErrors] = useState<FormErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [placing, setPlacing] = useState(false);
  const [geojson, setGeojson] = useState('');
  const zones = useMemo(timeZones, []);

  useEffect(() => {
    if (!open) return;
    const center = stores.find((s) => s.location)?.location ?? config.storeLocation;
    const next = store ? formFromStore(store) : emptyForm(center);
    setForm(next);
    setGeojson(next.zone ? JSON.stringify(next.zone) : '');
    setZoneVersion((v) => v + 1);
    setErrors({});
    setError(null);
    setPlacing(creating);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, store]);

  const index = Math.max(0, stores.findIndex((s) => s.id === store?.id));
  const color = storeColor(store ? index : stores.length);
  const others = useMemo(
    () =>
      stores
        .filter((s) => s.id !== store?.id)
        .map((s) => ({ id: s.id, code: s.code, zone: zoneOf(s.zone), location: s.location ?? null })),
    [stores, store?.id],
  );
  const lat = Number(form.lat);
  const lng = Number(form.lng);
  const location = form.lat.trim() !== '' && form.lng.trim() !== '' && Number.isFinite(lat) && Number.isFinite(lng) ? { lat, lng } : null;
  const stats = zoneStats(form.zone);
  const set = <K extends keyof StoreForm>(key: K, value: StoreForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    // What was wrong with a field goes once it is edited.
    setErrors((e) => (e[key as string] === undefined ? e : { ...e, [key as string]: undefined }));
  };
  const setZone = (zone: ZoneGeometry | null) => {
    setForm((f) => ({ ...f, zone }));
    setGeojson(zone ? JSON.stringify(zone) : '');
    setErrors((e) => ({ ...e, zone: undefined }));
  };

  function applyGeojson() {
    try {
      const parsed: unknown = JSON.parse(geojson);
      const geometry = zoneOf((parsed as { type?: string; geometry?: unknown })?.type === 'Feature' ? (parsed as { geometry: unknown }).geometry : parsed);
      if (!geometry) throw new Error('not a polygon');
      setForm((f) => ({ ...f, zone: geometry }));
      setZoneVersion((v) => v + 1);
      setErrors((e) => ({ ...e, zone: undefined }));
    } catch {
      setErrors((e) => ({ ...e, zone: 'Paste a GeoJSON Polygon or MultiPolygon (longitude first).' }));
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { errors: found, request } = buildStoreRequest(form, creating);
    setErrors(found);
    setError(null);
    if (!request) return;
    setBusy(true);
    try {
      const res = creating ? await adminApi.createStore(request) : await adminApi.updateStore(store.id, request);
      onSaved(res.store);
    } catch (err) {
      setError(err);
      setErrors(serverFieldErrors(err));
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (key: string) => errors[key];
  const settingsErrors = SETTINGS.some((s) => !DISPATCH_KEYS.has(s.key) && errors[`settings.${s.key}`]) || !!errors.settings;
  const dispatchErrors = SETTINGS.some((s) => DISPATCH_KEYS.has(s.key) && errors[`settings.${s.key}`]);
  const hoursErrors = WEEKDAYS.some((d) => errors[`hours.${d.key}`]) || !!errors.hours;
  // The promise figures, or the dispatch ones: one field per setting.
  const settingFields = (dispatch: boolean) => (
    <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr', md: 'repeat(3, 1fr)' } }}>
      {SETTINGS.filter((s) => DISPATCH_KEYS.has(s.key) === dispatch).map((s) => (
        <TextField
          key={s.key}
          size="small"
          label={`${s.label}${s.unit ? ` (${s.unit})` : ''}`}
          value={form.settings[s.key]}
          onChange={(e) => setForm((f) => ({ ...f, settings: { ...f.settings, [s.key]: e.target.value } }))}
          error={!!errors[`settings.${s.key}`]}
          helperText={errors[`settings.${s.key}`] ?? s.hint}
          slotProps={{ htmlInput: { inputMode: 'decimal', 'aria-label': s.label, 'data-testid': `store-setting-${s.key}` } }}
        />
      ))}
    </Box>
  );

  return (
    <Dialog open={open} onClose={busy ? undefined : onClose} fullWidth maxWidth="lg" fullScreen={phone} aria-labelledby="store-dialog-title">
      <form onSubmit={submit} noValidate aria-label="Store form" data-testid="store-form">
        <DialogTitle id="store-dialog-title" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Box component="span" sx={{ flexGrow: 1 }}>
            {creating ? 'Open a new store' : `Edit ${store.name} (${store.code})`}
          </Box>
          <IconButton onClick={onClose} aria-label="Close the store editor" disabled={busy}>
            <CloseIcon />
          </IconButton>
        </DialogTitle>
        <DialogContent dividers>
          {error !== null && (
            <Alert severity="error" sx={{ mb: 2 }} role="alert" data-testid="store-form-error" data-code={error instanceof ApiError ? error.code : ''}>
              {errorMessage(error)}
            </Alert>
          )}
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'minmax(0, 5fr) minmax(0, 7fr)' } }}>
            <Stack spacing={2}>
              <Stack direction="row" spacing={1.5}>
                <TextField
                  label="Code"
                  value={form.code}
                  onChange={(e) => set('code', e.target.value.toUpperCase())}
                  disabled={!creating}
                  required={creating}
                  size="small"
                  sx={{ width: 130, flexShrink: 0 }}
                  error={!!fieldError('code')}
                  helperText={fieldError('code') ?? (creating ? 'e.g. MLD; fixed once opened' : 'Cannot change')}
                  slotProps={{ htmlInput: { maxLength: 12, 'aria-label': 'Store code', 'data-testid': 'store-code' } }}
                />
                <TextField
                  label="Name"
                  value={form.name}
                  onChange={(e) => set('name', e.target.value)}
                  required
                  size="small"
                  fullWidth
                  error={!!fieldError('name')}
                  helperText={fieldError('name') ?? ' '}
                  slotProps={{ htmlInput: { maxLength: 80, 'aria-label': 'Store name', 'data-testid': 'store-name' } }}
                />
              </Stack>
              <TextField
                label="Address"
                value={form.address}
                onChange={(e) => set('address', e.target.value)}
                size="small"
                slotProps={{ htmlInput: { 'aria-label': 'Store address', 'data-testid': 'store-address' } }}
              />
              <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
                <TextField
                  label="Latitude"
                  value={form.lat}
                  onChange={(e) => set('lat', e.target.value)}
                  size="small"
                  error={!!fieldError('location')}
                  slotProps={{ htmlInput: { inputMode: 'decimal', 'aria-label': 'Store latitude', 'data-testid': 'store-lat' } }}
                />
                <TextField
                  label="Longitude"
                  value={form.lng}
                  onChange={(e) => set('lng', e.target.value)}
                  size="small"
                  error={!!fieldError('location')}
                  slotProps={{ htmlInput: { inputMode: 'decimal', 'aria-label': 'Store longitude', 'data-testid': 'store-lng' } }}
                />
                <Tooltip title="Then click the map where the store is">
                  <ToggleButton
                    value="place"
                    size="small"
                    selected={placing}
                    onChange={() => setPlacing((p) => !p)}
                    aria-label="Place the store by clicking the map"
                    data-testid="store-place-toggle"
                    sx={{ whiteSpace: 'nowrap' }}
                  >
                    Place
                  </ToggleButton>
                </Tooltip>
              </Stack>
              {fieldError('location') && (
                <Typography variant="caption" color="error" sx={{ mt: -1.5 }}>
                  {fieldError('location')}
                </Typography>
              )}
              <TextField
                label="PIN codes served"
                value={form.zipCodes}
                onChange={(e) => set('zipCodes', e.target.value)}
                size="small"
                error={!!fieldError('zipCodes')}
                helperText={fieldError('zipCodes') ?? 'Comma separated; used for addresses without a map pin'}
                slotProps={{ htmlInput: { 'aria-label': 'PIN codes served', 'data-testid': 'store-zips' } }}
              />
              <Autocomplete
                freeSolo
                options={zones}
                value={form.timezone}
                onInputChange={(_, v) => set('timezone', v)}
                renderInput={(params) => (
                  <TextField
                    {...params}
                    size="small"
                    label="Time zone"
                    error={!!fieldError('timezone')}
                    helperText={fieldError('timezone') ?? 'Opening hours are in this time zone'}
                    slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'aria-label': 'Time zone', 'data-testid': 'store-timezone' } }}
                  />
                )}
              />
              <FormControlLabel
                control={
                  <Switch
                    checked={form.paused}
                    color="warning"
                    onChange={(e) => set('paused', e.target.checked)}
                    slotProps={{ input: { 'aria-label': 'Paused: takes no orders' } }}
                  />
                }
                label={form.paused ? 'Paused: takes no orders' : 'Taking orders (within its hours)'}
              />
            </Stack>
            <Stack spacing={1}>
              <Stack direction="row" sx={{ alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
                <Typography variant="subtitle2" sx={{ flexGrow: 1 }}>
                  Delivery zone
                </Typography>
                <Chip
                  size="small"
                  variant="outlined"
                  data-testid="zone-summary"
                  data-polygons={stats.polygons}
                  label={
                    stats.polygons
                      ? `${stats.polygons} area${stats.polygons > 1 ? 's' : ''} · ${stats.vertices} points${stats.holes ? ` · ${stats.holes} hole${stats.holes > 1 ? 's' : ''}` : ''}`
                      : 'No zone drawn'
                  }
                />
                {form.zone && (
                  <Button
                    size="small"
                    color="error"
                    onClick={() => {
                      setZone(null);
                      setZoneVersion((v) => v + 1);
                    }}
                    aria-label="Remove the zone"
                    data-testid="zone-clear"
                  >
                    Remove zone
                  </Button>
                )}
              </Stack>
              <Typography variant="caption" color="text.secondary">
                {placing
                  ? 'Click the map where the store is (or drag its pin). Switch “Place” off to draw.'
                  : 'Use the tools on the left of the map: draw a polygon or rectangle, edit its points, drag it, cut a hole, or remove it.'}
              </Typography>
              <Suspense fallback={<Skeleton variant="rounded" height={phone ? 300 : 400} aria-label="Loading map" />}>
                <StoreZoneEditor
                  zone={form.zone}
                  zoneVersion={zoneVersion}
                  location={location}
                  color={color}
                  others={others}
                  placing={placing}
                  onZone={setZone}
                  onLocation={(p) => {
                    setForm((f) => ({ ...f, lat: p.lat.toFixed(6), lng: p.lng.toFixed(6) }));
                    setErrors((e) => ({ ...e, location: undefined }));
                  }}
                  height={phone ? 300 : 400}
                />
              </Suspense>
              {fieldError('zone') && (
                <Alert severity="error" data-testid="zone-error">
                  {fieldError('zone')}
                </Alert>
              )}
              <Accordion disableGutters variant="outlined">
                <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-label="Zone as GeoJSON">
                  <Typography variant="body2">Zone as GeoJSON (paste or copy)</Typography>
                </AccordionSummary>
                <AccordionDetails>
                  <TextField
                    value={geojson}
                    onChange={(e) => setGeojson(e.target.value)}
                    multiline
                    minRows={3}
                    maxRows={8}
                    fullWidth
                    size="small"
                    placeholder='{"type":"Polygon","coordinates":[[[lng,lat],…]]}'
                    slotProps={{ htmlInput: { 'aria-label': 'Zone as GeoJSON', 'data-testid': 'zone-geojson', spellCheck: false, style: { fontFamily: 'monospace', fontSize: 12 } } }}
                  />
                  <Button size="small" onClick={applyGeojson} sx={{ mt: 1 }} aria-label="Use this GeoJSON as the zone" data-testid="zone-geojson-apply">
                    Use this zone
                  </Button>
                </AccordionDetails>
              </Accordion>
            </Stack>
          </Box>
          <Accordion disableGutters variant="outlined" defaultExpanded={creating} sx={{ mt: 2 }}>
            <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-label="Opening hours">
              <Typography sx={{ fontWeight: 600 }} color={hoursErrors ? 'error' : undefined}>
                Opening hours
              </Typography>
            </AccordionSummary>
            <AccordionDetails>
              {errors.hours && (
                <Alert severity="error" sx={{ mb: 1 }}>
                  {errors.hours}
                </Alert>
              )}
              <Stack direction="row" sx={{ gap: 1, mb: 1, flexWrap: 'wrap' }}>
                <Button size="small" variant="outlined" onClick={() => set('hours', Object.fromEntries(WEEKDAYS.map((d) => [d.key, [ALL_DAY]])) as StoreForm['hours'])}>
                  Open 24 h every day
                </Button>
                <Button
                  size="small"
                  variant="outlined"
                  onClick={() => set('hours', Object.fromEntries(WEEKDAYS.map((d) => [d.key, form.hours.mon.map((iv) => ({ ...iv }))])) as StoreForm['hours'])}
                >
                  Copy Monday to every day
                </Button>
              </Stack>
              {WEEKDAYS.map((d) => (
                <DayHours
                  key={d.key}
                  day={d.key}
                  label={d.label}
                  list={form.hours[d.key]}
                  error={errors[`hours.${d.key}`]}
                  onChange={(list) => setForm((f) => ({ ...f, hours: { ...f.hours, [d.key]: list } }))}
                />
              ))}
            </AccordionDetails>
          </Accordion>
          <Accordion disableGutters variant="outlined" defaultExpanded={settingsErrors}>
            <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-label="Promise settings">
              <Typography sx={{ fontWeight: 600 }} color={settingsErrors ? 'error' : undefined}>
                Promise settings
              </Typography>
            </AccordionSummary>
            <AccordionDetails>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
                How the delivery promise is worked out. Empty fields keep their current value (or the default).
              </Typography>
              {settingFields(false)}
            </AccordionDetails>
          </Accordion>
          <Accordion disableGutters variant="outlined" defaultExpanded={dispatchErrors} data-testid="store-dispatch-settings">
            <AccordionSummary expandIcon={<ExpandMoreIcon />} aria-label="Dispatch settings" data-testid="store-dispatch-toggle">
              <Typography sx={{ fontWeight: 600 }} color={dispatchErrors ? 'error' : undefined}>
                Dispatch: {form.dispatchMode === 'auto' ? 'one rider at a time' : 'every rider at once'}
              </Typography>
            </AccordionSummary>
            <AccordionDetails>
              <ToggleButtonGroup
                exclusive
                size="small"
                color="primary"
                value={form.dispatchMode}
                onChange={(_, mode: DispatchMode | null) => mode && set('dispatchMode', mode)}
                aria-label="How new orders reach riders"
                orientation={phone ? 'vertical' : 'horizontal'}
                fullWidth={phone}
                sx={{ mb: 1 }}
                data-testid="store-dispatch-mode"
              >
                <ToggleButton value="auto" data-testid="dispatch-mode-auto">Auto: nearest rider first</ToggleButton>
                <ToggleButton value="broadcast" data-testid="dispatch-mode-broadcast">Broadcast: first to accept</ToggleButton>
              </ToggleButtonGroup>
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
                {form.dispatchMode === 'auto'
                  ? 'Each new order is offered to the best-placed available rider (nearest, fairest), who has a few seconds to accept or decline; then the next. After the last round it goes to every rider of the store.'
                  : 'Each new order goes to every available rider of the store at once; the first to accept gets it.'}
              </Typography>
              {settingFields(true)}
            </AccordionDetails>
          </Accordion>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose} disabled={busy} aria-label="Cancel">
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy} aria-label={creating ? 'Open the store' : 'Save the store'} data-testid="store-save">
            {busy ? 'Saving…' : creating ? 'Open store' : 'Save'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
