import { z } from "zod";

import { stripeErrors } from "../errors";
import { expandParam, parseParams } from "../params";
import { api } from "../router";

/** Checkout's invoices are read-only here (the emulator creates them when a session with invoice_creation is paid). */
export const invoiceRoutes = [
  api("GET", "/v1/invoices/:id", (ctx, req) => {
    parseParams(z.object({ expand: expandParam }).strict(), req.query);
    const invoice = ctx.store.state.invoices[req.params.id ?? ""];
    if (!invoice) throw stripeErrors.noSuch("invoice", req.params.id ?? "");
    return invoice;
  }),
];
