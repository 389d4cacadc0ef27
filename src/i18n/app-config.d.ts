import type en from "../../messages/en.json";

import type { Locale } from "./locales";

// Typed message keys: a misspelled key or a missing ICU argument is a type error.
declare module "next-intl" {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof en;
  }
}
