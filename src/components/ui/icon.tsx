import type { ReactNode } from "react";

const SHAPES = {
  copy: (
    <>
      <rect x="9" y="9" width="11" height="11" rx="2" />
      <path d="M5 15V5a2 2 0 0 1 2-2h8" />
    </>
  ),
  edit: <path d="M4 20h4L19 9l-4-4L4 16v4z" />,
  delete: <path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13" />,
  regenerate: <path d="M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7" />,
} satisfies Record<string, ReactNode>;

export type IconName = keyof typeof SHAPES;

/** A decorative stroke icon (hidden from screen readers: the button or link around it carries the name). */
export function Icon({ name, className = "h-4 w-4" }: { name: IconName; className?: string }) {
  return (
    <svg aria-hidden viewBox="0 0 24 24" className={className} fill="none" stroke="currentColor" strokeWidth="2">
      {SHAPES[name]}
    </svg>
  );
}
