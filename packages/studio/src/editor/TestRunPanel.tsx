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
  sender: TestSender;
}

export interface TestSender {
  sending: boolean;
  failure: string | undefined;
  send(channelId: string, parsed: ParsedPayload): Promise<void>;
}

export function parsePayload(text: string): ParsedPayload {
  try {
    return { ok: true, payload: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${(error as Error).message}` };
  }
}

/**
 * Sending a test message, held by the editor: the form's button and Ctrl/Cmd+Enter anywhere in the
 * editor send the same way and show the same failure.
 */
export function useTestSender(
  channels: readonly Channel[],
  onSend: (channelId: string, payload: JsonValue) => Promise<void>,
): TestSender {
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<string>();
  const send = async (channelId: string, parsed: ParsedPayload) => {
    if (!parsed.ok || !channels.some((channel) => channel.channelId === channelId) || sending) return;
    setSending(true);
    setFailure(undefined);
    try {
      await onSend(channelId, parsed.payload);
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setSending(false);
    }
  };
  return { sending, failure, send };
}

/** Sends a JSON message into a channel; the run it starts comes back to the canvas as the overlay. */
export function TestRunPanel(props: TestRunPanelProps) {
  const { parsed, sender } = props;
  const channelExists = props.channels.some((channel) => channel.channelId === props.channelId);

  return (
    <section className="cfx-test-run" aria-labelledby="cfx-test-run-title">
      <h3 id="cfx-test-run-title" className="cfx-run-drawer__heading">
        Test message
      </h3>
      {props.channels.length === 0 ? (
        <p className="cfx-muted">Add a channel to send a test message into it.</p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void sender.send(props.channelId, parsed);
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
            disabled={!parsed.ok || !channelExists || sender.sending}
            aria-busy={sender.sending}
            aria-keyshortcuts="Control+Enter Meta+Enter"
          >
            Send test message
          </Button>
          {sender.failure ? (
            <p className="cfx-field__error" role="alert">
              The test message was not sent: {sender.failure}
            </p>
          ) : null}
        </form>
      )}
    </section>
  );
}
