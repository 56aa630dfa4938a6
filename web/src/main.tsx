import { startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/app';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
// A transition: React renders the first screen in slices, yielding to the browser
// between them, instead of one long task.
startTransition(() => createRoot(root).render(<App />));
