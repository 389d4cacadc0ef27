"use client";

import { ErrorContent } from "~/components/errors/error-content";

/** A page that failed to render, inside the app's layout (header, theme, locale). The server logged it under the digest. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorContent digest={error.digest} onRetry={reset} />;
}
