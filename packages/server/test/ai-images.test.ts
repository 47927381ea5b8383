import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { serveImage, testImage, useAiSuite } from "./ai-fixture.ts";
import { waitForRun } from "./harness.ts";

const suite = useAiSuite();

/** Puts bytes into the operator's file store through the API. */
async function upload(path: string, content: Buffer, contentType: string) {
  const answer = await fetch(`${suite.conflux.url}/v1/files${path}`, {
    method: "PUT",
    headers: { ...suite.session.headers, "content-type": contentType },
    body: content,
  });
  expect(answer.status).toBeLessThan(300);
}

async function pixel(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [data[offset] ?? -1, data[offset + 1] ?? -1, data[offset + 2] ?? -1];
}

describe("the object-detection action", () => {
  it("asks a vision model under a strict box schema and answers counts and pixel boxes as apps.md says", async () => {
    const image = await testImage(200, 100);
    const imageUrl = serveImage(suite, image);
    suite.standIn.answer = () => ({
      text: JSON.stringify({
        objects: [
          { class: "dog", score: 0.8, box: { x: 0.5, y: 0.5, width: 0.25, height: 0.4 } },
          { class: "person", score: 0.91, box: { x: 0.1, y: 0.2, width: 0.3, height: 0.5 } },
          { class: "car", score: 0.3, box: { x: 0, y: 0, width: 0.1, height: 0.1 } },
        ],
      }),
    });
    const before = suite.standIn.received.length;
    const step = await suite.runOne(
      { type: "object-detection", config: { imageUrl: "${payload.url}" } },
      { url: imageUrl },
    );
    expect(step.status, JSON.stringify(step.error)).toBe("completed");
    expect(step.result).toEqual({
      person: 1,
      car: 0,
      bus: 0,
      truck: 0,
      cat: 0,
      dog: 1,
      objects: [
        { class: "person", score: 0.91, box: { x: 20, y: 20, width: 60, height: 50 } },
        { class: "dog", score: 0.8, box: { x: 100, y: 50, width: 50, height: 40 } },
      ],
    });
    expect(step.usage).toMatchObject({ model: "openai/gpt-4.1-mini", credits: 1 });
    const request = suite.standIn.received[before];
    expect(request?.body.temperature).toBe(0);
    const format = request?.body.text.format;
    expect(format.schema.properties.objects.items.properties.class.enum).toEqual([
      "person",
      "car",
      "bus",
      "truck",
      "cat",
      "dog",
    ]);
    expect(format.schema.properties.objects.items.additionalProperties).toBe(false);
    expect(request?.body.input[1].content[1].image_url).toBe(
      `data:image/png;base64,${image.toString("base64")}`,
    );
  });

  it("refuses a model answer with a class it was not asked for", async () => {
    suite.standIn.answer = () => ({
      text: JSON.stringify({
        objects: [{ class: "giraffe", score: 0.9, box: { x: 0, y: 0, width: 1, height: 1 } }],
      }),
    });
    const step = await suite.runOne(
      {
        type: "object-detection",
        config: { imageUrl: serveImage(suite, await testImage()), classes: ["cat"] },
      },
      {},
    );
    expect(step).toMatchObject({ status: "failed", error: { code: "ai_invalid_output" } });
  });
});

describe("object-detection classes", () => {
  it("are checked against the COCO labels when the app is saved", async () => {
    const saved = await suite.session.call("POST", "/v1/apps", {
      name: "unicorns",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "find",
          channelId: "in",
          type: "object-detection",
          config: { imageUrl: "/x.png", classes: ["person", "unicorn"] },
        },
      ],
    });
    expect(saved.status).toBe(400);
    expect(saved.text).toContain("'unicorn' is not a COCO class");
  });
});

describe("an image given as a signed link to the operator's own file", () => {
  it("is read from the file store, not fetched from ourselves over HTTP", async () => {
    const image = await testImage(30, 20);
    await upload("/cam2/in.png", image, "image/png");
    const signed = new URL(
      suite.conflux.services.devices.files.forOperator(suite.session.operatorId).signedUrl("/cam2/in.png"),
    );
    // An expired link: over HTTP it would be refused, so bytes arriving prove the file store read them.
    signed.searchParams.set("expires", "1");
    expect((await fetch(signed)).status).toBeGreaterThanOrEqual(400);
    suite.standIn.answer = () => ({ text: "a small blue picture" });
    const before = suite.standIn.received.length;
    const step = await suite.runOne(
      {
        type: "ai",
        config: { model: "openai/gpt-4.1-mini", prompt: "What is it?", imageUrl: "${payload.url}" },
      },
      { url: signed.href },
    );
    expect(step).toMatchObject({ status: "completed", result: { output: "a small blue picture" } });
    expect(suite.standIn.received[before]?.body.input[1].content[1].image_url).toBe(
      `data:image/png;base64,${image.toString("base64")}`,
    );
  });
});

describe("the bounding-box action", () => {
  it("draws the boxes of a detection on an image from the file store and returns a link to the stored result", async () => {
    const image = await testImage(200, 100);
    await upload("/cam1/frame.png", image, "image/png");
    const step = await suite.runOne(
      {
        type: "bounding-box",
        config: {
          imageUrl: "/cam1/frame.png",
          shapes: "${payload.objects}",
          path: "/cam1/boxed.png",
          lineWidth: 4,
        },
      },
      {
        objects: [
          { class: "person", score: 0.91, box: { x: 20, y: 20, width: 60, height: 50 } },
          {
            points: [
              [150, 10],
              [190, 10],
              [170, 60],
            ],
            color: "#00ff00",
          },
        ],
      },
    );
    expect(step.status, JSON.stringify(step.error)).toBe("completed");
    expect(step.result).toMatchObject({ path: "/cam1/boxed.png", width: 200, height: 100 });
    expect(step.result.imageUrl).toMatch(/\/v1\/signed\/files\/.+\/cam1\/boxed\.png\?expires=\d+&signature=/);

    const drawn = Buffer.from(await (await fetch(step.result.imageUrl)).arrayBuffer());
    const metadata = await sharp(drawn).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(["png", 200, 100]);
    // The rectangle's left edge is red, the polygon's top edge green, the middle of the box untouched.
    expect(await pixel(drawn, 20, 45)).toEqual([255, 0, 0]);
    expect(await pixel(drawn, 170, 10)).toEqual([0, 255, 0]);
    expect(await pixel(drawn, 50, 45)).toEqual(await pixel(image, 50, 45));
  });

  it("keeps a JPEG a JPEG and stores it under the run's id by default", async () => {
    const jpeg = await sharp(await testImage(80, 60))
      .jpeg()
      .toBuffer();
    const step = await suite.runOne(
      {
        type: "bounding-box",
        config: {
          imageUrl: serveImage(suite, jpeg, "application/octet-stream"),
          shapes: '[{"x": 5, "y": 5, "width": 20, "height": 20, "label": "<b>&"}]',
        },
      },
      {},
    );
    expect(step.status, JSON.stringify(step.error)).toBe("completed");
    expect(step.result.path).toMatch(/^\/bounding-box\/[A-Za-z0-9_-]+\.jpg$/);
    const drawn = Buffer.from(await (await fetch(step.result.imageUrl)).arrayBuffer());
    expect((await sharp(drawn).metadata()).format).toBe("jpeg");
  });

  it("starts the runs of the file it stores one hop on, so a loop through files ends at the hop limit", async () => {
    const created = await suite.session.call("POST", "/v1/apps", {
      name: "boxes of new frames",
      channels: [
        {
          channelId: "frames",
          eventSource: { type: "file", config: { pathPrefix: "/loop/", eventTypes: ["created"] } },
        },
      ],
      actions: [
        {
          actionId: "box",
          channelId: "frames",
          type: "bounding-box",
          config: {
            imageUrl: "${payload.path}",
            shapes: '[{"x": 1, "y": 1, "width": 4, "height": 4}]',
            path: "/loop/boxed.png",
          },
        },
      ],
    });
    expect(created.status).toBe(201);
    const appId = created.body.appId;
    await upload("/loop/frame.png", await testImage(16, 16), "image/png");

    // The upload starts a run at hop 0; the drawn file it stores is new under the prefix and starts
    // another at hop 1 (whose own write only updates the file, which this source does not listen to).
    let runs: any[] = [];
    for (const deadline = Date.now() + 20_000; runs.length < 2 && Date.now() < deadline; ) {
      runs = (await suite.session.call("GET", `/v1/apps/${appId}/runs`)).body.items;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(runs).toHaveLength(2);
    const hops = await Promise.all(
      runs.map(async (run) => (await waitForRun(suite.session, appId, run.runId)).messages[0].hop),
    );
    expect(hops.sort()).toEqual([0, 1]);
  });

  it("fails with a clear code when the shapes are not shapes", async () => {
    const step = await suite.runOne(
      {
        type: "bounding-box",
        config: { imageUrl: serveImage(suite, await testImage()), shapes: '{"x": "left"}' },
      },
      {},
    );
    expect(step).toMatchObject({ status: "failed", error: { code: "bounding_box_shapes" } });
  });
});
