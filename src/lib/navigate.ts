/** Full-page navigation to another origin (Stripe Checkout). A module of its own so tests can replace it. */
export function navigateTo(url: string): void {
  window.location.assign(url);
}
