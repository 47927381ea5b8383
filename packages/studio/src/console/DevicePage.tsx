import { lazy, Suspense, useState } from "react";
import { useCursorPages } from "../pages/use-cursor-pages.ts";
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

const chartedEntries = 200;
const entriesPage = 20;
const commandsPage = 10;

const statusText: Record<DeviceCommand["status"], string> = {
  pending: "Pending: waiting for the device",
  delivered: "Delivered",
  expired: "Expired: not delivered in time",
  published: "Published to the broker",
};

// uPlot loads with the first device page, not with the studio.
const DataChart = lazy(() => import("./DataChart.tsx").then((module) => ({ default: module.DataChart })));

/** "Newer" and "Older" through the pages of one of the device's lists. */
function PageButtons(props: {
  pages: ReturnType<typeof useCursorPages>;
  nextCursor: string | null | undefined;
  newer: string;
  older: string;
}) {
  const { pages, nextCursor } = props;
  return (
    <div className="cfx-row">
      <Button disabled={pages.onFirstPage} onClick={pages.newer}>
        {props.newer}
      </Button>
      <Button
        disabled={!nextCursor}
        onClick={() => {
          if (nextCursor) pages.older(nextCursor);
        }}
      >
        {props.older}
      </Button>
    </div>
  );
}

/**
 * One device: how to connect it, its recent data as a chart and its entries as a table, a command to
 * send it and its commands, both tables paged back to the oldest.
 */
export function DevicePage({ deviceId }: { deviceId: string }) {
  const api = useConsoleApi();
  const toast = useToast();
  const device = useLoad(() => api.getDevice(deviceId), [api, deviceId]);
  // The chart draws the newest entries whichever page of them the table shows.
  const data = useLoad(
    async () => (await api.listData(deviceId, { limit: chartedEntries })).items,
    [api, deviceId],
  );
  const entryPages = useCursorPages();
  const entries = useLoad(
    () => api.listData(deviceId, { cursor: entryPages.cursor, limit: entriesPage }),
    [api, deviceId, entryPages.cursor],
  );
  const commandPages = useCursorPages();
  const commands = useLoad(
    () => api.listCommands(deviceId, { cursor: commandPages.cursor, limit: commandsPage }),
    [api, deviceId, commandPages.cursor],
  );
  const [command, setCommand] = useState("");
  const [error, setError] = useState<unknown>();

  const send = async () => {
    setError(undefined);
    try {
      await api.sendCommand(deviceId, command);
      toast.show(`Sent to ${deviceId}`);
      setCommand("");
      // The command just sent heads the first page.
      commandPages.reset();
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
            entries.reload();
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
            {entries.error ? (
              <ErrorBanner error={entries.error} onRetry={entries.reload} />
            ) : (
              <Table
                caption="Latest entries"
                rows={entries.data?.items ?? []}
                rowKey={(entry, index) => `${index}:${entry.time}`}
                empty={entries.loading ? "Loading…" : "No data."}
                columns={[
                  { header: "Time", cell: (entry) => <Time ms={entry.time} /> },
                  {
                    header: "Content",
                    cell: (entry) => <span className="cfx-mono">{JSON.stringify(entry.content)}</span>,
                  },
                ]}
              />
            )}
            <PageButtons
              pages={entryPages}
              nextCursor={entries.data?.nextCursor}
              newer="Newer entries"
              older="Older entries"
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
            rows={commands.data?.items ?? []}
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
        <PageButtons
          pages={commandPages}
          nextCursor={commands.data?.nextCursor}
          newer="Newer commands"
          older="Older commands"
        />
      </div>
    </Page>
  );
}
