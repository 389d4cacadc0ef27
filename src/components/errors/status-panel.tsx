import type { ReactNode } from "react";

import { buttonClasses } from "~/components/ui/button";

/** The app's full-page status message (not found, errors): a badge, a title, a line and actions. */
export function StatusPanel({
  badge,
  title,
  body,
  children,
  testId,
}: {
  badge: string;
  title: string;
  body: ReactNode;
  children?: ReactNode;
  testId: string;
}) {
  return (
    <div data-testid={testId} className="mx-auto flex max-w-md flex-col items-center py-16 text-center">
      <p
        aria-hidden
        className="rounded-full bg-blue-50 px-3 py-1 font-mono text-sm font-semibold text-blue-700 dark:bg-blue-950 dark:text-blue-300"
      >
        {badge}
      </p>
      <h1 className="mt-4 text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="mt-2 text-gray-600 dark:text-gray-400">{body}</div>
      <div className="mt-6 flex flex-wrap justify-center gap-3">{children}</div>
    </div>
  );
}

export const primaryAction = buttonClasses();
export const secondaryAction = buttonClasses({ variant: "secondary" });
