/** The dark-store picker's side (tablet and phone first): the pick queue and pick lists. */
import { Route, Routes } from 'react-router';
import { AppShell } from '@/components/app-shell';
import { NotFound } from '@/components/not-found';
import { QueuePage } from '@/features/picker/components/queue-page';
import { PickPage } from '@/features/picker/components/pick-page';

const NAV = [{ to: '/picker', label: 'Queue', end: true }];

export default function PickerApp() {
  return (
    <AppShell title="Picker" nav={NAV} maxWidth="md">
      <Routes>
        <Route index element={<QueuePage />} />
        <Route path="orders/:orderId" element={<PickPage />} />
        <Route path="*" element={<NotFound home="/picker" homeLabel="Go to the pick queue" />} />
      </Routes>
    </AppShell>
  );
}
