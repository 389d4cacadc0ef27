import { forwardRef, type ButtonHTMLAttributes } from "react";

/**
 * Colours keep text at ≥ 4.5:1 against the button (and, for the transparent variants, against the page)
 * in light and dark mode; tests/ui/button.test.tsx checks the pairs against Tailwind's palette.
 */
export const BUTTON_VARIANTS = {
  primary: "justify-center bg-blue-600 text-white hover:bg-blue-700",
  secondary:
    "justify-center border border-gray-300 bg-white text-gray-900 hover:bg-gray-100 dark:border-gray-600 dark:bg-gray-900 dark:text-gray-100 dark:hover:bg-gray-800",
  ghost: "justify-center text-gray-700 hover:bg-gray-100 dark:text-gray-200 dark:hover:bg-gray-800",
  danger: "justify-center bg-red-600 text-white hover:bg-red-700",
  link: "justify-center text-blue-700 underline-offset-2 hover:underline dark:text-blue-300",
  /** One tab of a segmented control (role="tab"); the selected one is raised. */
  segment:
    "justify-center text-gray-700 hover:text-gray-900 aria-selected:bg-white aria-selected:text-gray-900 aria-selected:shadow-sm dark:text-gray-300 dark:hover:text-white dark:aria-selected:bg-gray-700 dark:aria-selected:text-white",
  /** A full-width row of a list, text aligned to the start; the list item carries hover and selection. */
  row: "w-full justify-start text-left text-gray-900 dark:text-gray-100",
} as const;

export const BUTTON_SIZES = {
  xs: "rounded px-2 py-1 text-xs",
  sm: "rounded-md px-3 py-1.5 text-sm",
  md: "rounded-md px-4 py-2 text-sm",
  lg: "rounded-md px-4 py-2.5 text-base",
  icon: "h-9 w-9 shrink-0 rounded-md",
  iconSm: "rounded p-1",
  avatar: "h-9 w-9 shrink-0 rounded-full text-sm uppercase",
} as const;

export type ButtonVariant = keyof typeof BUTTON_VARIANTS;
export type ButtonSize = keyof typeof BUTTON_SIZES;

const BASE =
  "inline-flex items-center gap-2 font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:opacity-60 dark:focus-visible:outline-blue-400";

/** The classes of a button; also for a link that must look like one. `className` adds layout (margin, width, flex). */
export function buttonClasses({
  variant = "primary",
  size = "md",
  className,
}: { variant?: ButtonVariant; size?: ButtonSize; className?: string } = {}) {
  return [BASE, BUTTON_VARIANTS[variant], BUTTON_SIZES[size], className].filter(Boolean).join(" ");
}

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: ButtonSize };

/** Every button of the app. `type` defaults to "button" so a button inside a form never submits by accident. */
export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant, size, className, type = "button", ...props },
  ref,
) {
  return <button ref={ref} type={type} className={buttonClasses({ variant, size, className })} {...props} />;
});
