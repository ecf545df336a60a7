export interface Toast {
  id: number;
  text: string;
  detail?: string;
  tone: 'info' | 'warn' | 'error';
}

export const toasts = $state<Toast[]>([]);
let next = 1;

export function toast(text: string, tone: Toast['tone'] = 'info', detail?: string): void {
  const id = next++;
  toasts.push({ id, text, tone, detail });
  if (toasts.length > 4) toasts.splice(0, toasts.length - 4);
  setTimeout(() => dismiss(id), tone === 'info' ? 5000 : 9000);
}

export function dismiss(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}
