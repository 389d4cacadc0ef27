import Link from "next/link";
import { getTranslations } from "next-intl/server";

export default async function NotFound() {
  const t = await getTranslations("notFound");
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <Link href="/" className="mt-4 inline-block text-blue-600 hover:underline dark:text-blue-400">
        {t("back")}
      </Link>
    </div>
  );
}
