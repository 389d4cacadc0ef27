import { describe, expect, it } from "vitest";

import { negotiateLocale, parseAcceptLanguage } from "~/i18n/negotiate-locale";

describe("negotiateLocale", () => {
  it("prefers a valid NEXT_LOCALE cookie over Accept-Language", () => {
    expect(negotiateLocale("ja", "de-DE,de;q=0.9")).toBe("ja");
    expect(negotiateLocale("zh-CN", null)).toBe("zh-CN");
  });

  it("ignores an unknown cookie value", () => {
    expect(negotiateLocale("xx", "fr-FR")).toBe("fr");
    expect(negotiateLocale("<script>", null)).toBe("en");
  });

  it.each([
    ["pt", "pt-BR"],
    ["pt-PT", "pt-BR"],
    ["zh", "zh-CN"],
    ["zh-TW", "zh-CN"],
    ["zh-cn", "zh-CN"],
    ["es-MX,es;q=0.9", "es"],
    ["ko-KR", "ko"],
    ["de-CH", "de"],
    ["en-GB", "en"],
  ])("maps Accept-Language %s to %s", (header, locale) => {
    expect(negotiateLocale(undefined, header)).toBe(locale);
  });

  it("honours q-values, skips unsupported languages and q=0", () => {
    expect(negotiateLocale(undefined, "ru;q=1, fr;q=0.5, ja;q=0.8")).toBe("ja");
    expect(negotiateLocale(undefined, "ja;q=0, ko;q=0.1")).toBe("ko");
    expect(negotiateLocale(undefined, "ru, it")).toBe("en");
  });

  it("falls back to en for missing or garbage headers", () => {
    expect(negotiateLocale(undefined, undefined)).toBe("en");
    expect(negotiateLocale(undefined, "*")).toBe("en");
    expect(negotiateLocale(undefined, ";;;,,,")).toBe("en");
    expect(parseAcceptLanguage("de;q=abc, fr")).toEqual(["fr"]);
  });
});
