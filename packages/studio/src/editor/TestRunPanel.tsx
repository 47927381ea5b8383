import type { Channel, JsonValue } from "@conflux/core";
import { useState } from "react";
import { describeError } from "../api/client.ts";
import { Button } from "../ui/Button.tsx";
import { Select } from "../ui/Select.tsx";
import { TextAreaField } from "../ui/TextField.tsx";

export type ParsedPayload = { ok: true; payload: JsonValue } | { ok: false; message: string };

export interface TestRunPanelProps {
  channels: readonly Channel[];
  channelId: string;
  onChannelChange(channelId: string): void;
  payloadText: string;
  /** `payloadText` parsed (by the editor, which also feeds it to completions and "Try it"). */
  parsed: ParsedPayload;
  onPayloadChange(text: string): void;
  /** Test runs use the saved app: say so while there are unsaved changes. */
  dirty: boolean;
  onSend(channelId: string, payload: JsonValue): Promise<void>;
}

export function parsePayload(text: string): ParsedPayload {
  try {
    return { ok: true, payload: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}

/** Sends a JSON message into a channel; the run it starts comes back to the canvas as the overlay. */
export function TestRunPanel(props: TestRunPanelProps) {
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string>();
  const { parsed } = props;
  const channelExists = props.channels.some((channel) => channel.channelId === props.channelId);

  const send = async () => {
    if (!parsed.ok || !channelExists) return;
    setSending(true);
    setFailure(undefined);
    try {
      await props.onSend(props.channelId, parsed.payload);
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="cfx-test-run" aria-labelledby="cfx-test-run-title">
      <h2 id="cfx-test-run-title" className="cfx-editor-panel__title">
        Test run
      </h2>
      {props.channels.length === 0 ? (
        <p className="cfx-muted">Add a channel to send a test message into it.</p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <Select
            label="Channel"
            value={channelExists ? props.channelId : ""}
            options={[
              ...(channelExists ? [] : [{ value: "", label: "Choose a channel…" }]),
              ...props.channels.map((channel) => ({
                value: channel.channelId,
                label: channel.name || channel.channelId,
              })),
            ]}
            onChange={(event) => props.onChannelChange(event.target.value)}
          />
          <TextAreaField
            label="Test message (JSON)"
            className="cfx-mono"
            spellCheck={false}
            rows={6}
            value={props.payloadText}
            error={parsed.ok ? undefined : parsed.message}
            hint="Becomes payload; its fields are suggested after payload. in expressions"
            onChange={(event) => props.onPayloadChange(event.target.value)}
          />
          {props.dirty ? (
            <p className="cfx-muted" role="note">
              The test runs the saved app: save to include your changes.
            </p>
          ) : null}
          <Button
            type="submit"
            variant="primary"
            disabled={!parsed.ok || !channelExists || sending}
            aria-busy={sending}
          >
            Send test message
          </Button>
          {failure ? (
            <p className="cfx-field__error" role="alert">
              The test message was not sent: {failure}
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}
