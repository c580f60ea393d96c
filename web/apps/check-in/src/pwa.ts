// The service worker that makes the app installable and lets it start with no network. It is
// registered from here rather than by an injected script so a missing worker (plain http on a
// LAN address, where browsers have none) is not an error.
import { registerSW } from 'virtual:pwa-register';

export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  registerSW({
    immediate: true,
    onRegisterError: (error: unknown) => console.warn('the offline app could not be installed', error),
  });
}
