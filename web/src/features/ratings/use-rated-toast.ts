/**
 * The rider hears at once when a customer rates a delivery: a toast "Rated 5★ · ₹20 tip"
 * (`order:rated`, sent to the order's rider and admins). Mounted once in the partner app.
 */
import { useSocketEvent } from '@/hooks/use-socket-event';
import { useSnackbar } from '@/components/snackbar-provider';
import { ratedToast } from '@/lib/rating';

export function useRatedToast(): void {
  const { notify } = useSnackbar();
  useSocketEvent('order:rated', (event) => {
    notify(ratedToast(event), event.rating >= 4 || event.tip > 0 ? 'success' : 'info', { duration: 6000 });
  });
}
