import { randomBytes, timingSafeEqual } from "node:crypto";
import type { App, JsonValue, MessageContext } from "@conflux/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { ulid } from "ulid";
import { z } from "zod";
import { auditRowWithChange } from "../api/audit-hook.ts";
import { operatorOf } from "../api/authenticate.ts";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { hashSecret } from "../auth/tokens.ts";
import type { Bus } from "../bus/bus.ts";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import type { SourceDoor } from "../runtime/source-door.ts";
import { startExecution } from "../runtime/start-execution.ts";
import type { OperatorStore, Store } from "../store/store.ts";

export interface MessageRouteDeps {
  bus: Bus;
  config: ServerConfig;
  store: Store;
  /** Refuses events before they are accepted: backlog, standing, quota, bandwidth (runtime/source-door.ts). */
  door?: Pick<SourceDoor, "enter">;
}

const channelParams = z.object({ appId: z.string().min(1).max(64), channelId: z.string().min(1).max(64) });
const accepted = z.object({ executionId: z.string(), duplicate: z.boolean() });
const listedWebhook = z.object({
  webhookId: z.string(),
  operatorId: z.string(),
  appId: z.string(),
  channelId: z.string(),
  name: z.string(),
  createdAt: z.number(),
});

function idempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers["idempotency-key"];
  if (typeof value !== "string" || !value) return undefined;
  if (value.length > 256) throw new UserError("bad_request", "Idempotency-Key is at most 256 characters");
  return value;
}

async function appOf(store: OperatorStore, appId: string) {
  const app = await store.getApp(appId);
  if (!app) throw new UserError("not_found", `no app ${appId}`);
  return app;
}

interface Destination {
  operatorId: string;
  app: App;
  channelId: string;
  context: MessageContext;
  /** Scopes a client's Idempotency-Key, so two sources never collide. */
  dedupeScope: string;
}

/** The size the sender sent: its Content-Length, or the body as JSON when it streamed one without. */
function sentBytes(request: FastifyRequest): number {
  const length = Number(request.headers["content-length"]);
  return Number.isFinite(length) ? length : Buffer.byteLength(JSON.stringify(request.body ?? null));
}

/** The request body becomes the message; the answer is sent once it is durable. */
async function acceptBody(
  { bus, config, door }: MessageRouteDeps,
  request: FastifyRequest,
  destination: Destination,
) {
  await door?.enter({
    operatorId: destination.operatorId,
    source: destination.context.eventType === "api" ? "api" : "webhook",
    bytes: sentBytes(request),
    startsRun: true,
  });
  const key = idempotencyKey(request);
  const audit = auditRowWithChange(request, 202);
  const started = await startExecution(
    bus,
    {
      operatorId: destination.operatorId,
      app: destination.app,
      channelId: destination.channelId,
      payload: (request.body ?? null) as JsonValue,
      context: destination.context,
      ...(key ? { dedupeKey: `${destination.dedupeScope}:${key}` } : {}),
      alongRows: audit.rows,
    },
    config.limits.maxMessageBytes,
  );
  // A repeated Idempotency-Key stored nothing of this request: onSend records its row.
  if (!started.duplicate) audit.recorded();
  return started;
}

/** The `api` event source (authenticated) and incoming webhooks (a secret URL, no other auth). */
export async function messageRoutes(api: FastifyInstance, services: MessageRouteDeps): Promise<void> {
  const { config } = services;
  const routes = api.withTypeProvider<ZodTypeProvider>();

  const sendMessage = async (request: FastifyRequest, params: z.infer<typeof channelParams>) => {
    const store = operatorOf(request);
    const app = await appOf(store, params.appId);
    return acceptBody(services, request, {
      operatorId: store.operatorId,
      app,
      channelId: params.channelId,
      context: { eventType: "api" },
      dedupeScope: "api",
    });
  };
  for (const url of [
    "/v1/apps/:appId/channels/:channelId/messages",
    "/v1/flux/apps/:appId/channels/:channelId/messages",
  ]) {
    routes.post(
      url,
      {
        schema: {
          summary:
            "Send a message into a channel (202 once it is durable); an Idempotency-Key header starts one run only",
          tags: ["Message"],
          // Flux's path has a name of its own: operation ids are unique in the document.
          operationId: url.startsWith("/v1/flux/") ? "sendFluxMessage" : "sendMessage",
          params: channelParams,
          body: z.unknown(),
          response: { 202: accepted },
        },
      },
      async (request, reply) => reply.status(202).send(await sendMessage(request, request.params)),
    );
  }

  routes.post(
    "/v1/apps/:appId/channels/:channelId/incoming_webhooks",
    {
      schema: {
        summary: "Create an incoming webhook: a secret URL that sends its POST body into the channel",
        tags: ["IncomingWebhook"],
        operationId: "createIncomingWebhook",
        params: channelParams,
        body: z.object({ name: z.string().max(256).default("") }).default({ name: "" }),
      },
    },
    async (request, reply) => {
      const store = operatorOf(request);
      const app = await appOf(store, request.params.appId);
      if (!app.channels.some((channel) => channel.channelId === request.params.channelId))
        throw new UserError("not_found", `app ${app.appId} has no channel '${request.params.channelId}'`);
      const secret = randomBytes(24).toString("base64url");
      const webhook = await store.createIncomingWebhook(
        { webhookId: ulid(), appId: app.appId, channelId: request.params.channelId, name: request.body.name },
        hashSecret(secret),
      );
      const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
      // The secret is shown once; only its hash is kept.
      return reply.status(201).send({
        ...webhook,
        secret,
        url: `${base}/v1/flux/incoming_webhooks/${webhook.webhookId}/${secret}`,
      });
    },
  );

  routes.get(
    "/v1/apps/:appId/channels/:channelId/incoming_webhooks",
    {
      schema: {
        summary: "List a channel's incoming webhooks (secrets are not shown), in one page",
        tags: ["IncomingWebhook"],
        operationId: "listIncomingWebhooks",
        params: channelParams,
        response: { 200: listSchema(listedWebhook) },
      },
    },
    async (request) => {
      const store = operatorOf(request);
      // Another operator's app answers 404, as every route with its id does, not an empty list.
      await appOf(store, request.params.appId);
      return wholeList(await store.listIncomingWebhooks(request.params.appId, request.params.channelId));
    },
  );

  routes.delete(
    "/v1/apps/:appId/channels/:channelId/incoming_webhooks/:webhookId",
    {
      schema: {
        summary: "Delete an incoming webhook; its URL stops working at once",
        tags: ["IncomingWebhook"],
        operationId: "deleteIncomingWebhook",
        params: channelParams.extend({ webhookId: z.string() }),
      },
    },
    async (request, reply) => {
      const deleted = await operatorOf(request).deleteIncomingWebhook(
        request.params.appId,
        request.params.webhookId,
      );
      if (!deleted) throw new UserError("not_found", `no incoming webhook ${request.params.webhookId}`);
      return reply.status(204).send();
    },
  );
}

/** The public side of incoming webhooks: no API key, the secret in the URL is the authentication. */
export async function incomingWebhookRoutes(api: FastifyInstance, services: MessageRouteDeps): Promise<void> {
  const { store } = services;
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const receive = async (request: FastifyRequest, secret: string, webhookId?: string) => {
    const webhook = await store.findIncomingWebhookBySecret(hashSecret(secret));
    const idMatches =
      webhook &&
      (webhookId === undefined ||
        (webhookId.length === webhook.webhookId.length &&
          timingSafeEqual(Buffer.from(webhookId), Buffer.from(webhook.webhookId))));
    if (!webhook || !idMatches) throw new UserError("not_found", "no such incoming webhook");
    const app = await store.forOperator(webhook.operatorId).getApp(webhook.appId);
    if (!app) throw new UserError("not_found", "no such incoming webhook");
    return acceptBody(services, request, {
      operatorId: webhook.operatorId,
      app,
      channelId: webhook.channelId,
      context: { eventType: "webhook", webhookId: webhook.webhookId },
      dedupeScope: `webhook:${webhook.webhookId}`,
    });
  };

  routes.post(
    "/v1/flux/incoming_webhooks/:webhookId/:secret",
    {
      schema: {
        summary: "Send a message through an incoming webhook (SORACOM Flux's URL shape)",
        tags: ["IncomingWebhook"],
        operationId: "receiveIncomingWebhook",
        params: z.object({ webhookId: z.string(), secret: z.string() }),
        body: z.unknown(),
        response: { 202: accepted },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await receive(request, request.params.secret, request.params.webhookId)),
  );
  routes.post(
    "/v1/flux/incoming_webhooks/:secret",
    {
      schema: {
        summary: "Send a message through an incoming webhook, by its secret alone",
        tags: ["IncomingWebhook"],
        operationId: "receiveIncomingWebhookBySecret",
        params: z.object({ secret: z.string() }),
        body: z.unknown(),
        response: { 202: accepted },
      },
    },
    async (request, reply) => reply.status(202).send(await receive(request, request.params.secret)),
  );
}
