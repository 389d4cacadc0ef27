import { AppDocument } from "~/app/_lib/app-document";

import NotFound from "./(app)/not-found";

export { generateMetadata, viewport } from "./(app)/layout";

/**
 * A URL that matches no route. The app's pages sit in a route group with their own root layout
 * ((app)/layout.tsx), so Next renders this instead: the same document and the same 404 page as a
 * notFound() inside the app.
 */
export default function GlobalNotFound() {
  return (
    <AppDocument>
      <NotFound />
    </AppDocument>
  );
}
