import { lazy, Suspense, useState } from "react";
import { Link } from "../shell/router.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { Time } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { ConnectionInstructions } from "./ConnectionInstructions.tsx";
import { type DeviceCommand, useConsoleApi } from "./console-api.ts";

const recentEntries = 200;
const recentCommands = 10;

const statusText: Record<DeviceCommand["status"], string> = {
  pending: "Pending: waiting for the device",
  delivered: "Delivered",
  expired: "Expired: not delivered in time",
  published: "Published to the broker",
};

// uPlot loads with the first device page, not with the studio.
const DataChart = lazy(() => import("./DataChart.tsx").then((module) => ({ default: module.DataChart })));

/**
 * One device: how to connect it, its recent data as a chart and a table, a command to send it and its
 * recent commands.
 */
export function DevicePage({ deviceId }: { deviceId: string }) {
  const api = useConsoleApi();
  const toast = useToast();
  const device = useLoad(() => api.getDevice(deviceId), [api, deviceId]);
  const data = useLoad(() => api.recentData(deviceId, recentEntries), [api, deviceId]);
  const commands = useLoad(() => api.recentCommands(deviceId, recentCommands), [api, deviceId]);
  const [command, setCommand] = useState("");
  const [error, setError] = useState<unknown>();

  const send = async () => {
    setError(undefined);
    try {
      await api.sendCommand(deviceId, command);
      toast.show(`Sent to ${deviceId}`);
      setCommand("");
      commands.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <Page
      title={device.data?.name || deviceId}
      toolbar={
        <Button
          onClick={() => {
            data.reload();
            commands.reload();
          }}
        >
          Refresh
        </Button>
      }
    >
      <div className="cfx-stack">
        <p className="cfx-muted">
          <Link to="/devices">Devices</Link> / <span className="cfx-mono">{deviceId}</span>
        </p>
        {device.error ? <ErrorBanner error={device.error} onRetry={device.reload} /> : null}
        {error ? <ErrorBanner error={error} onDismiss={() => setError(undefined)} /> : null}
        {device.data ? (
          <p className="cfx-muted">
            {device.data.lastSeenAt === null ? (
              "No message yet."
            ) : (
              <>
                {device.data.messageCount.toLocaleString()} messages, the last at{" "}
                <Time ms={device.data.lastSeenAt} />.
              </>
            )}
          </p>
        ) : null}
        <ConnectionInstructions
          deviceId={deviceId}
          origin={window.location.origin}
          open={device.data?.lastSeenAt === null}
        />
        <h2>Recent data</h2>
        {data.error ? (
          <ErrorBanner error={data.error} onRetry={data.reload} />
        ) : data.data && data.data.length > 0 ? (
          <>
            <Suspense fallback={<p className="cfx-muted">Loading the chart…</p>}>
              <DataChart entries={data.data} />
            </Suspense>
            <Table
              caption="Latest entries"
              rows={data.data.slice(0, 20)}
              rowKey={(entry, index) => `${index}:${entry.time}`}
              empty="No data."
              columns={[
                { header: "Time", cell: (entry) => <Time ms={entry.time} /> },
                {
                  header: "Content",
                  cell: (entry) => <span className="cfx-mono">{JSON.stringify(entry.content)}</span>,
                },
              ]}
            />
          </>
        ) : (
          <p className="cfx-muted">
            {data.loading
              ? "Loading…"
              : "No data kept for this device yet (its group keeps data, or a data-store action writes it)."}
          </p>
        )}
        <h2>Send a command</h2>
        <form
          className="cfx-row"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <TextField
            label="Command"
            hint="Sent on devices/{deviceId}/commands (MQTT, QoS 1); kept for an offline device until it expires (an hour by default)."
            value={command}
            onChange={(event) => setCommand(event.target.value)}
          />
          <Button type="submit" disabled={!command}>
            Send
          </Button>
        </form>
        {commands.error ? (
          <ErrorBanner error={commands.error} onRetry={commands.reload} />
        ) : (
          <Table
            caption="Recent commands"
            rows={commands.data ?? []}
            rowKey={(sent) => sent.commandId}
            empty={commands.loading ? "Loading…" : "No commands sent yet."}
            columns={[
              { header: "Sent", cell: (sent) => <Time ms={sent.createdAt} /> },
              { header: "Command", cell: (sent) => <span className="cfx-mono">{sent.payload}</span> },
              {
                header: "Status",
                cell: (sent) => (
                  <>
                    {statusText[sent.status]}
                    {sent.deliveredAt !== null ? (
                      <>
                        {" "}
                        (<Time ms={sent.deliveredAt} />)
                      </>
                    ) : null}
                  </>
                ),
              },
            ]}
          />
        )}
      </div>
    </Page>
  );
}
