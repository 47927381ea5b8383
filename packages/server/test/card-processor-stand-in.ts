import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** The payment method id the stand-in declines, as test cards of payment platforms do. */
export const declinedPaymentMethodId = "pm_card_declined";

interface StoredAnswer {
  status: number;
  body: string;
}

/**
 * A local card processor speaking the wire protocol of billing/payment-processor.ts: `POST
 * /v1/charges`, form-encoded, `Authorization: Bearer <secret key>`, `Idempotency-Key`. It charges
 * every payment method but `declinedPaymentMethodId`, answers a repeated key with the first answer,
 * counts the charges it made, and can drop its next answer after charging (a lost answer).
 */
export async function startCardProcessorStandIn(secretKey: string) {
  const answers = new Map<string, StoredAnswer>();
  const charges: Array<{ chargeId: string; amount: number; currency: string; paymentMethodId: string }> = [];
  let dropNextAnswer = false;

  function answer(request: IncomingMessage, form: URLSearchParams): StoredAnswer {
    if (request.headers.authorization !== `Bearer ${secretKey}`)
      return error(401, "authentication_required", "Invalid API key provided");
    const amount = Number(form.get("amount"));
    const currency = form.get("currency") ?? "";
    const paymentMethodId = form.get("payment_method") ?? "";
    if (!Number.isSafeInteger(amount) || amount <= 0 || currency === "" || paymentMethodId === "")
      return error(400, "parameter_missing", "amount, currency and payment_method are required");
    if (paymentMethodId === declinedPaymentMethodId)
      return error(402, "card_declined", "Your card was declined.");
    const chargeId = `ch_${charges.length + 1}`;
    charges.push({ chargeId, amount, currency, paymentMethodId });
    return {
      status: 200,
      body: JSON.stringify({ id: chargeId, object: "charge", status: "succeeded", amount, currency }),
    };
  }

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== "POST" || request.url !== "/v1/charges") {
      response.writeHead(404).end();
      return;
    }
    const key = request.headers["idempotency-key"];
    if (typeof key !== "string" || key === "") {
      const missing = error(400, "idempotency_key_missing", "an Idempotency-Key header is required");
      response.writeHead(missing.status, { "content-type": "application/json" }).end(missing.body);
      return;
    }
    const stored =
      answers.get(key) ?? answer(request, new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
    if (stored.status !== 401) answers.set(key, stored);
    if (dropNextAnswer) {
      dropNextAnswer = false;
      request.socket.destroy();
      return;
    }
    response.writeHead(stored.status, { "content-type": "application/json" }).end(stored.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    charges,
    /** The next request is processed, then its connection closed without an answer. */
    dropNextAnswer() {
      dropNextAnswer = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function error(status: number, code: string, message: string): StoredAnswer {
  return {
    status,
    body: JSON.stringify({
      error: { type: status === 402 ? "card_error" : "invalid_request_error", code, message },
    }),
  };
}
