import type { ReactNode } from "react";

const TONES = {
  error: "bg-red-50 text-red-700 dark:bg-red-950 dark:text-red-300",
  success: "bg-green-50 text-green-800 dark:bg-green-950 dark:text-green-200",
} as const;

/** The outcome of a form: an error is announced at once (alert), a success politely (status). */
export function FormMessage({
  tone,
  testId,
  className,
  children,
}: {
  tone: keyof typeof TONES;
  testId?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <p
      role={tone === "error" ? "alert" : "status"}
      data-testid={testId}
      className={`rounded-md px-3 py-2 text-sm ${TONES[tone]} ${className ?? ""}`}
    >
      {children}
    </p>
  );
}
