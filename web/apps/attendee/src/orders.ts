// A guest's orders are read with their own access token (no account to ask for them), kept for
// the browser tab's life so the confirmation page survives a reload.
const PREFIX = 'boxoffice.order.';

export function rememberGuestOrder(orderId: string, accessToken: string): void {
  try {
    sessionStorage.setItem(PREFIX + orderId, accessToken);
  } catch {
    // Storage refused (private mode): the confirmation still shows from memory.
  }
}

export function guestOrderToken(orderId: string): string | undefined {
  try {
    return sessionStorage.getItem(PREFIX + orderId) ?? undefined;
  } catch {
    return undefined;
  }
}
