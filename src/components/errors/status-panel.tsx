import type { ReactNode } from "react";

/** The app's full-page status message (not found, errors): a badge, a title, a line and actions. */
export function StatusPanel({ badge, title, body, children, testId }: { badge: string; title: string; body: ReactNode; children?: ReactNode; testId: string }) {
  return (
    <div data-testid={testId} className="mx-auto flex max-w-md flex-col items-center py-16 text-center">
      <p aria-hidden className="rounded-full bg-blue-50 px-3 py-1 font-mono text-sm font-semibold text-blue-700 dark:bg-blue-950 dark:text-blue-300">
        {badge}
      </p>
      <h1 className="mt-4 text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="mt-2 text-gray-600 dark:text-gray-400">{body}</div>
      <div className="mt-6 flex flex-wrap justify-center gap-3">{children}</div>
    </div>
  );
}

export const primaryAction = "rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white hover:bg-blue-700";
export const secondaryAction = "rounded-md border border-gray-300 px-4 py-2 text-sm font-medium hover:bg-gray-50 dark:border-gray-600 dark:hover:bg-gray-800";
