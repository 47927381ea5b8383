import sharp from "sharp";
import { afterAll, beforeAll, expect } from "vitest";
import type { ConfigInput } from "../src/conflux.ts";
import { AiStandIn } from "./ai-stand-in.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

/** The service's own keys as the tests configure them; none may ever show up in a prompt. */
export const serviceKeys = {
  openai: "sk-service-openai-0000000000",
  azure: "azure-service-key-0000000000",
  bedrockKeyId: "AKIASERVICE000000000",
  bedrockSecret: "bedrock-service-secret-0000000000",
  google: "google-service-key-0000000000",
  compatible: "compatible-service-key-0000",
};

export interface AiSuite {
  standIn: AiStandIn;
  standInUrl: string;
  /** Serves images (and anything else scripted) to the actions. */
  images: HttpSink;
  imagesUrl: string;
  conflux: Awaited<ReturnType<typeof startTestConflux>>;
  session: ApiSession;
  /** Saves a one-action app, sends one message and returns the finished step (and its run). */
  runOne(action: Record<string, unknown>, payload: unknown, session?: ApiSession): Promise<any>;
}

/** A provider stand-in started before the file's tests and stopped after them; `url()` once it has started. */
export function useStandIn(): { standIn: AiStandIn; url(): string } {
  const standIn = new AiStandIn();
  let url = "";
  beforeAll(async () => {
    url = await standIn.start();
  });
  afterAll(() => standIn.stop());
  return { standIn, url: () => url };
}

/** A Conflux whose every AI provider points at one stand-in server, plus an image server. */
export function useAiSuite(
  ai: (standInUrl: string) => NonNullable<ConfigInput["ai"]> = (url) => aiConfigFor(url),
  overrides: ConfigInput = {},
): AiSuite {
  const suite = { standIn: new AiStandIn(), images: new HttpSink() } as AiSuite;
  beforeAll(async () => {
    const url = await suite.standIn.start();
    suite.standInUrl = url;
    suite.imagesUrl = await suite.images.start();
    suite.conflux = await startTestConflux({ ai: ai(url), ...overrides });
    suite.session = await signUp(suite.conflux.url);
    suite.runOne = async (action, payload, session = suite.session) => {
      const created = await session.call("POST", "/v1/apps", {
        name: "one AI action",
        channels: [{ channelId: "in" }, { channelId: "errors" }],
        actions: [{ actionId: "act", channelId: "in", ...action }],
      });
      expect(created.status, created.text).toBe(201);
      const appId = created.body.appId;
      const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, payload);
      expect(sent.status, sent.text).toBe(202);
      const run = await waitForRun(session, appId, sent.body.executionId);
      return { ...run.steps[0], run };
    };
  });
  afterAll(async () => {
    await suite.conflux?.cleanUp();
    await suite.standIn.stop();
    await suite.images.stop();
  });
  return suite;
}

/** Saves an app whose one action (`a`) asks OpenAI's cheapest model "Hi"; resolves with the API's answer. */
export function createAskingApp(session: ApiSession, name: string) {
  return session.call("POST", "/v1/apps", {
    name,
    channels: [{ channelId: "in" }],
    actions: [
      { actionId: "a", channelId: "in", type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi" } },
    ],
  });
}

export function aiConfigFor(url: string, extra: Partial<NonNullable<ConfigInput["ai"]>> = {}) {
  return {
    timeoutMs: 5_000,
    providers: {
      openai: { baseUrl: `${url}/openai/v1`, apiKey: serviceKeys.openai },
      azure: { baseUrl: `${url}/azure/openai`, apiKey: serviceKeys.azure, apiVersion: "2024-10-21" },
      bedrock: {
        baseUrl: `${url}/bedrock`,
        region: "eu-west-1",
        accessKeyId: serviceKeys.bedrockKeyId,
        secretAccessKey: serviceKeys.bedrockSecret,
      },
      google: { baseUrl: `${url}/google/v1beta`, apiKey: serviceKeys.google },
      "openai-compatible": { baseUrl: `${url}/compatible/v1`, apiKey: serviceKeys.compatible },
    },
    ...extra,
  };
}

/** A small PNG with a known size, as a camera would send it. */
export async function testImage(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 200 } } })
    .png()
    .toBuffer();
}

/** Makes the image server answer every request with `image`. */
export function serveImage(suite: AiSuite, image: Buffer, contentType = "image/png"): string {
  suite.images.reply = () => ({
    status: 200,
    body: image as unknown as string,
    headers: { "content-type": contentType },
  });
  return `${suite.imagesUrl}/cam1/snapshot`;
}
