import "./console.css";
import { useLoad } from "../shell/use-load.ts";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { CopyableCommand } from "./CopyableCommand.tsx";
import { connectionCommands } from "./connection-commands.ts";
import { useConsoleApi } from "./console-api.ts";
import { NewSecret } from "./NewSecret.tsx";

/**
 * How to send this device's data over HTTP, MQTT, UDP and TCP to this server. The secret is never on the
 * page (it is shown once, at registration): every command reads it from $SECRET.
 */
export function ConnectionInstructions({
  deviceId,
  origin,
  open,
}: {
  deviceId: string;
  origin: string;
  /** Unfolded: for a device that has not sent anything yet. */
  open: boolean;
}) {
  const api = useConsoleApi();
  const listeners = useLoad(() => api.deviceListeners(), [api]);
  const commands = connectionCommands(deviceId, origin, listeners.data);
  return (
    <details className="cfx-stack" open={open}>
      <summary>
        <h2 className="cfx-connect__title">Connect this device</h2>
      </summary>
      <p className="cfx-muted">
        Set <span className="cfx-mono">SECRET</span> to the secret shown when the device was registered (lost?
        issue a new one: the old one then stops working), then send a reading:
      </p>
      <NewSecret deviceId={deviceId} />
      {listeners.error ? <ErrorBanner error={listeners.error} onRetry={listeners.reload} /> : null}
      {commands.map(({ protocol, note, command }) => (
        <div key={protocol} className="cfx-connect__protocol">
          <h3>{protocol}</h3>
          <p className="cfx-muted">{note}</p>
          {command ? <CopyableCommand label={`${protocol} command`} command={command} /> : null}
        </div>
      ))}
    </details>
  );
}
