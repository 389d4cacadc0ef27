import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from "react";

const INPUT =
  "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 aria-invalid:border-red-500 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100";

export type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "aria-invalid"> & {
  label: ReactNode;
  /** Shown under the field and read as its description, never as part of its name. */
  hint?: ReactNode;
  /** Shown under the field as an alert; marks the field invalid and describes it. */
  error?: ReactNode;
  errorTestId?: string;
  /** Marks the field invalid when the message that says why lives elsewhere (pass its id in aria-describedby). */
  invalid?: boolean;
};

/** A labelled text input with an optional hint and error, wired for assistive technology. */
export const TextField = forwardRef<HTMLInputElement, TextFieldProps>(function TextField(
  { label, hint, error, errorTestId, invalid, id, className, "aria-describedby": describedBy, ...input },
  ref,
) {
  const ownId = useId();
  const inputId = id ?? `${ownId}-input`;
  const hintId = `${ownId}-hint`;
  const errorId = `${ownId}-error`;
  const descriptions = [hint ? hintId : null, error ? errorId : null, describedBy].filter(Boolean).join(" ");

  return (
    <div className={className}>
      <label htmlFor={inputId} className="block text-sm font-medium">
        {label}
      </label>
      <input
        ref={ref}
        id={inputId}
        aria-invalid={invalid || Boolean(error) || undefined}
        aria-describedby={descriptions || undefined}
        className={INPUT}
        {...input}
      />
      {hint && (
        <p id={hintId} className="mt-1 text-xs text-gray-600 dark:text-gray-400">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} role="alert" data-testid={errorTestId} className="mt-1 text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
});
