import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { OperatorDirectory } from "../store/operators.ts";
import type { ProviderStore } from "../store/provider.ts";
import { invoiceCsv } from "./invoice-csv.ts";
import { invoicePdf } from "./invoice-pdf.ts";
import type { Invoices } from "./invoices.ts";

export interface InvoiceDeps {
  invoices: Invoices;
  provider: ProviderStore;
  operatorDirectory: OperatorDirectory;
}

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

/** The files an invoice exports as: CSV for a spreadsheet (the default), PDF for a person to file. */
export const exportQuerySchema = z.object({ format: z.enum(["csv", "pdf"]).default("csv") });

async function invoiceOrNotFound(invoices: Invoices, operatorId: string, month: string) {
  const invoice = await invoices.get(operatorId, month);
  if (!invoice)
    throw new UserError(
      "not_found",
      `no invoice of ${month}: only the current month and closed months have one`,
    );
  return invoice;
}

/** Answers one month's invoice of the operator as a download in the format asked for. */
export async function sendInvoiceFile(
  reply: FastifyReply,
  { invoices, provider, operatorDirectory }: InvoiceDeps,
  operatorId: string,
  month: string,
  format: z.infer<typeof exportQuerySchema>["format"],
) {
  const invoice = await invoiceOrNotFound(invoices, operatorId, month);
  const { currency, taxRatePercent } = await provider.settings();
  reply.header("content-disposition", `attachment; filename="invoice-${month}.${format}"`);
  if (format === "csv")
    return reply.header("content-type", "text/csv; charset=utf-8").send(invoiceCsv(invoice, currency));
  const operator = await operatorDirectory.get(operatorId);
  if (!operator) throw new UserError("not_found", `no operator ${operatorId}`);
  const { today } = await invoices.currentMonth(operatorId);
  const pdf = await invoicePdf(invoice, {
    operatorId,
    email: operator.email,
    currency,
    taxRatePercent,
    printedOn: today,
  });
  return reply.header("content-type", "application/pdf").send(Buffer.from(pdf));
}

/** An operator's invoices (billing.md "Reading"). */
export async function invoiceRoutes(api: FastifyInstance, deps: InvoiceDeps) {
  const { invoices } = deps;
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/v1/invoices",
    {
      schema: {
        summary: "This month's open invoice so far, then the closed ones of the last 18 months",
        tags: ["Billing"],
        operationId: "listInvoices",
      },
    },
    async (request) => invoices.list(operatorOf(request).operatorId),
  );
  routes.get(
    "/v1/invoices/:month",
    {
      schema: {
        summary: "One month's invoice",
        tags: ["Billing"],
        operationId: "getInvoice",
        params: z.object({ month: monthSchema }),
      },
    },
    async (request) => invoiceOrNotFound(invoices, operatorOf(request).operatorId, request.params.month),
  );
  routes.get(
    "/v1/invoices/:month/export",
    {
      schema: {
        summary: "One month's invoice as a file: CSV (the default) or PDF",
        tags: ["Billing"],
        operationId: "exportInvoice",
        params: z.object({ month: monthSchema }),
        querystring: exportQuerySchema,
      },
    },
    async (request, reply) =>
      sendInvoiceFile(
        reply,
        deps,
        operatorOf(request).operatorId,
        request.params.month,
        request.query.format,
      ),
  );
}
