import { expect, test } from "@playwright/test";

import { Header } from "../pages/header.page";
import { signUpNewUser } from "../support/accounts";
import { buyPack } from "../support/billing";
import { formatNumber, message } from "../support/messages";
import { appUrl } from "../stack/config.mjs";

test.describe("the header balance on a phone", () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test("ja, a 7-digit balance at 360 px: the number and its unit are shown whole, with no status-light dot", async ({
    page,
    context,
  }) => {
    await context.addCookies([{ name: "NEXT_LOCALE", value: "ja", url: appUrl }]);
    await signUpNewUser(page, { prefix: "phone-balance", callbackUrl: "/billing" });
    await buyPack(page, "enterprise");
    const header = new Header(page);
    await header.expectBalance(1_010_000);

    const balance = header.balance();
    const unit = message("ja", "common.creditsLabel");
    await expect(balance).toBeVisible();
    await expect(balance).toContainText(`${formatNumber("ja", 1_010_000)} ${unit}`);
    // Nothing is cut off: the text fits its box, and the box fits the screen.
    const fit = await balance.evaluate((el) => {
      const box = el.parentElement!;
      const rect = box.getBoundingClientRect();
      return {
        textFits: el.scrollWidth <= box.clientWidth,
        boxFits: box.scrollWidth <= box.clientWidth,
        right: rect.right,
        left: rect.left,
        dots: box.querySelectorAll("svg, circle").length,
      };
    });
    expect(fit).toMatchObject({ textFits: true, boxFits: true, dots: 0 });
    expect(fit.left).toBeGreaterThanOrEqual(0);
    expect(fit.right).toBeLessThanOrEqual(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });
});
