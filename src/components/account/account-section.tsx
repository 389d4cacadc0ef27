import type { ReactNode } from "react";

const FRAME = {
  default: { section: "border-gray-200 dark:border-gray-700", title: "" },
  danger: { section: "border-red-200 dark:border-red-900", title: "text-red-700 dark:text-red-300" },
};

/** One titled panel of the account page; `id` names its heading, which labels the section. */
export function AccountSection({
  id,
  title,
  tone = "default",
  children,
}: {
  id: string;
  title: string;
  tone?: keyof typeof FRAME;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className={`rounded-lg border p-5 ${FRAME[tone].section}`}>
      <h2 id={id} className={`text-lg font-semibold ${FRAME[tone].title}`}>
        {title}
      </h2>
      {children}
    </section>
  );
}
