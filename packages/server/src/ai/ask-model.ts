import type { JsonValue } from "@conflux/core";
import {
  APICallError,
  generateText,
  jsonSchema,
  type LanguageModelUsage,
  type ModelMessage,
  NoObjectGeneratedError,
  Output,
  type UserContent,
} from "ai";
import { OutboundError } from "../outbound/guarded-client.ts";
import { parseRetryAfter } from "../outbound/retry-after.ts";
import { ActionError } from "../runtime/actions/action.ts";
import {
  type ModelAnswer,
  type ModelRequest,
  type ModelUsage,
  type OpenCredential,
  type ProviderAccess,
  providerAccessSchema,
} from "../runtime/ports/ai-port.ts";
import type { AiServices } from "./ai-services.ts";
import { type CatalogueModel, findCatalogueModel, parseModelReference } from "./catalogue.ts";
import { answerProblems, compileAnswerSchema } from "./json-answer.ts";
import { createLanguageModel } from "./language-model.ts";
import { serviceAccess } from "./provider-access.ts";

/**
 * One AI request as an action makes it: rate limit, key choice, credits, the provider call, the
 * JSON check with one repair try, and the fallback list. The AI SDK's own retries are off: a
 * transient failure of every model becomes one transient ActionError (with the provider's
 * Retry-After), and the runtime's backoff tries the whole request again later.
 */

interface Attempt {
  model: string;
  /** The provider's own id: the part of `model` after the provider. */
  modelId: string;
  entry: CatalogueModel | undefined;
  access: ProviderAccess;
  ownKey: boolean;
}

export async function askModel(
  request: ModelRequest,
  services: AiServices,
  openCredential: OpenCredential,
): Promise<ModelAnswer> {
  const limit = await services.rateLimiter.take(request.operatorId);
  if (!limit.allowed)
    throw new ActionError(
      "rate_limited",
      `too many AI requests: the limit is ${limit.limit} a minute; try again in ${Math.ceil(limit.retryAfterMs / 1000)} s`,
    );
  const ownAccess = request.credentialsId
    ? await openOwnKey(request.credentialsId, openCredential)
    : undefined;
  const usage: ModelUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, credits: 0, requests: 0 };
  const deadline = Date.now() + services.config.timeoutMs;
  let unusable: ActionError | undefined;
  let unavailable: ActionError | undefined;
  for (const [index, model] of request.models.entries()) {
    const attempt = planAttempt(model, ownAccess, services, request);
    if (attempt instanceof ActionError) {
      unusable ??= attempt;
      continue;
    }
    // Each model gets an equal share of the time left, so a slow first provider leaves the fallbacks theirs.
    const share = Math.floor((deadline - Date.now()) / (request.models.length - index));
    try {
      const output = await answerWith(attempt, request, services, usage, Date.now() + share);
      return { output, model, usage };
    } catch (error) {
      const failure = toActionError(error, attempt);
      // A provider that is down or overloaded is a reason to try the next one; a refused request is not.
      if (!failure.transient) throw failure;
      unavailable = failure;
    }
  }
  // When some provider was only unavailable, the whole request is worth another try later.
  throw unavailable ?? unusable ?? new ActionError("ai_model_unknown", "no model is configured");
}

async function openOwnKey(credentialsId: string, openCredential: OpenCredential): Promise<ProviderAccess> {
  const parsed = providerAccessSchema.safeParse(await openCredential(credentialsId));
  if (!parsed.success)
    throw new ActionError(
      "credentials_type",
      `credentials '${credentialsId}' are not an AI provider key (type ai-provider-key)`,
    );
  return parsed.data;
}

/** Which key a model runs on, or why it cannot run here (an error that lets the next model try). */
function planAttempt(
  model: string,
  ownAccess: ProviderAccess | undefined,
  services: AiServices,
  request: ModelRequest,
): Attempt | ActionError {
  const reference = parseModelReference(model);
  if (!reference)
    return new ActionError("ai_model_unknown", `'${model}' is not a model name (<provider>/<model id>)`);
  const entry = findCatalogueModel(model);
  const ownKey = ownAccess?.provider === reference.provider;
  if (!entry && !ownKey)
    return new ActionError(
      "ai_model_unknown",
      `the service offers no model '${model}'; use one of GET /v1/ai/models or your own ${reference.provider} key`,
    );
  for (const { kind } of request.media)
    if (entry && !entry[kind])
      return new ActionError("ai_model_capability", `${model} does not take ${kind}s`);
  const access = ownKey ? ownAccess : serviceAccess(services.config, reference.provider);
  if (!access)
    return new ActionError(
      "ai_provider_not_configured",
      `this service has no ${reference.provider} key; add your own (credentials of type ai-provider-key)`,
    );
  return { model, modelId: reference.modelId, entry, access, ownKey: ownKey === true };
}

async function answerWith(
  attempt: Attempt,
  request: ModelRequest,
  services: AiServices,
  usage: ModelUsage,
  deadline: number,
): Promise<JsonValue> {
  const validate = request.json?.schema ? compileAnswerSchema(request.json.schema) : undefined;
  const messages: ModelMessage[] = [{ role: "user", content: userContent(request) }];
  const first = await callModel(attempt, request, messages, services, usage, deadline);
  if (!request.json) return first.text;
  let problems = first.problem ?? answerProblems(validate, first.value);
  if (problems === undefined) return first.value as JsonValue;

  messages.push(
    { role: "assistant", content: first.text },
    {
      role: "user",
      content: `That answer is not valid: ${problems}. Answer again with only the corrected JSON${validate ? " that matches the schema" : ""}.`,
    },
  );
  const repaired = await callModel(attempt, request, messages, services, usage, deadline);
  problems = repaired.problem ?? answerProblems(validate, repaired.value);
  if (problems === undefined) return repaired.value as JsonValue;
  throw new ActionError(
    "ai_invalid_output",
    `${attempt.model} answered JSON that does not match the schema, twice: ${problems}`,
  );
}

interface Reply {
  text: string;
  value?: unknown;
  /** Why the answer is not JSON at all. */
  problem?: string;
}

async function callModel(
  attempt: Attempt,
  request: ModelRequest,
  messages: ModelMessage[],
  services: AiServices,
  usage: ModelUsage,
  deadline: number,
): Promise<Reply> {
  const remainingMs = deadline - Date.now();
  if (remainingMs <= 0)
    throw new ActionError(
      "ai_timeout",
      `no answer within ${services.config.timeoutMs} ms (every model and try of this run together)`,
      true,
    );
  const credits = attempt.ownKey ? 0 : (attempt.entry?.credits ?? 0);
  const meter = services.usage.forOperator(request.operatorId);
  // A request that costs nothing (own key, free model) is always granted: no quota to read.
  if (credits > 0) {
    const quota = await creditQuota(request.operatorId, services);
    const reserved = await meter.reserve("ai_credits", credits, quota);
    if (!reserved.granted)
      throw new ActionError(
        "quota_exceeded",
        `the monthly AI credit quota (${quota}) is used up: ${reserved.used} spent, ${attempt.model} needs ${credits}`,
      );
  }
  const model = createLanguageModel(attempt.access, attempt.modelId, services.fetchWithin(remainingMs));
  const settings = {
    model,
    // OpenAI's JSON mode refuses a request that does not mention JSON; every model does better told.
    system: request.json ? `${request.system}\n\nAnswer with JSON only.` : request.system,
    messages,
    maxRetries: 0,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens }),
    // OpenAI's strict mode refuses schemas that do not list every property as required; we check the answer ourselves.
    providerOptions: { openai: { strictJsonSchema: false }, azure: { strictJsonSchema: false } },
  };
  // An answer, usable or not, is metered as it comes; tokens and requests count on any key.
  const spent = async (reported: LanguageModelUsage | undefined) => {
    addUsage(usage, reported, credits);
    await meter.add({
      ai_input_tokens: reported?.inputTokens ?? 0,
      ai_output_tokens: reported?.outputTokens ?? 0,
      ai_requests: 1,
    });
  };
  try {
    if (!request.json) {
      const result = await generateText(settings);
      await spent(result.usage);
      return { text: result.text };
    }
    const schema = request.json.schema;
    const result = await generateText({
      ...settings,
      output: schema ? Output.object({ schema: jsonSchema(schema), name: "answer" }) : Output.json(),
    });
    await spent(result.usage);
    return { text: result.text, value: result.output };
  } catch (error) {
    if (NoObjectGeneratedError.isInstance(error)) {
      await spent(error.usage);
      return { text: error.text ?? "", problem: "it is not JSON" };
    }
    // Nothing was answered: the credits go back.
    await meter.add({ ai_credits: -credits });
    throw error;
  }
}

/** The service's monthly credits, or less when the operator capped its own spending. */
export async function creditQuota(operatorId: string, services: AiServices): Promise<number> {
  const own = await services.usage.forOperator(operatorId).quota("ai_credits");
  return Math.min(services.config.monthlyCredits, own ?? Number.POSITIVE_INFINITY);
}

function userContent(request: ModelRequest): UserContent {
  return [
    { type: "text", text: request.user },
    ...request.media.map((media) =>
      media.kind === "image"
        ? { type: "image" as const, image: media.data, mediaType: media.mediaType }
        : { type: "file" as const, data: media.data, mediaType: media.mediaType },
    ),
  ];
}

function addUsage(usage: ModelUsage, reported: LanguageModelUsage | undefined, credits: number): void {
  usage.requests++;
  usage.credits += credits;
  usage.inputTokens += reported?.inputTokens ?? 0;
  usage.outputTokens += reported?.outputTokens ?? 0;
  usage.totalTokens += reported?.totalTokens ?? (reported?.inputTokens ?? 0) + (reported?.outputTokens ?? 0);
}

/** What the history shows for a failed provider call; keys never reach the message. */
function toActionError(error: unknown, attempt: Attempt): ActionError {
  if (error instanceof ActionError) return error;
  if (error instanceof OutboundError)
    return new ActionError(
      error.code === "outbound_timeout" ? "ai_timeout" : error.code,
      `${attempt.model}: ${error.message}`,
      error.transient,
    );
  if (APICallError.isInstance(error)) {
    const status = error.statusCode ?? 0;
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    if (status === 401 || status === 403)
      return new ActionError("ai_unauthorized", `${attempt.model}: the provider refused the key (${status})`);
    const detail = scrubSecrets(error.message, attempt.access).slice(0, 500);
    if (status === 429)
      return new ActionError(
        "ai_provider_rate_limited",
        `${attempt.model}: the provider answered 429: ${detail}`,
        true,
        retryAfterMs,
      );
    if (status >= 500 || status === 408 || status === 0)
      return new ActionError(
        "ai_provider_unavailable",
        `${attempt.model}: the provider answered ${status || "nothing usable"}: ${detail}`,
        true,
        retryAfterMs,
      );
    return new ActionError(
      "ai_request_refused",
      `${attempt.model}: the provider answered ${status}: ${detail}`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ActionError(
    "ai_provider_error",
    `${attempt.model}: ${scrubSecrets(message, attempt.access).slice(0, 500)}`,
  );
}

function scrubSecrets(text: string, access: ProviderAccess): string {
  const secrets = Object.entries(access)
    .filter(
      ([name, value]) =>
        name !== "provider" &&
        name !== "baseUrl" &&
        name !== "region" &&
        name !== "apiVersion" &&
        typeof value === "string" &&
        value.length >= 8,
    )
    .map(([, value]) => value as string);
  return secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join("[redacted]"), text);
}
