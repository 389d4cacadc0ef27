import { describe, expect, it } from "vitest";

import { FormParseError, parseForm } from "../src/form";

describe("Stripe form-encoding parser", () => {
  it("parses bracket syntax into nested objects and arrays", () => {
    const body =
      "mode=payment&line_items[0][price]=price_pro&line_items[0][quantity]=1&line_items[1][price]=p2&metadata[userId]=u%201&expand[]=line_items&expand[]=payment_intent&created[gte]=5";
    expect(parseForm(body)).toEqual({
      mode: "payment",
      line_items: [{ price: "price_pro", quantity: "1" }, { price: "p2" }],
      metadata: { userId: "u 1" },
      expand: ["line_items", "payment_intent"],
      created: { gte: "5" },
    });
  });

  it("accepts percent-encoded brackets and the SDK's indexed arrays", () => {
    expect(
      parseForm("expand%5B0%5D=line_items&success_url=http%3A%2F%2Fa%2F%3Fid%3D%7BCHECKOUT_SESSION_ID%7D"),
    ).toEqual({
      expand: ["line_items"],
      success_url: "http://a/?id={CHECKOUT_SESSION_ID}",
    });
  });

  it("orders indexed arrays numerically and compacts gaps", () => {
    expect(parseForm("a[10]=z&a[2]=y&a[0]=x")).toEqual({ a: ["x", "y", "z"] });
  });

  it.each([
    ["a[b=1"],
    ["a]=1"],
    ["a[][b]=1"],
    ["a=1&a[b]=2"],
    ["a[b]=1&a=2"],
    ["__proto__[x]=1"],
    ["a[constructor]=1"],
  ])("rejects %s", (body) => {
    expect(() => parseForm(body)).toThrow(FormParseError);
  });
});
