import { useState } from "react";
import { Button } from "../ui/Button.tsx";
import type { ApiUserOutcome } from "./contract.ts";

/**
 * For the `api` action: creates a user of the operator allowed to call exactly the API the action
 * calls, and puts its name in the config, so the app never runs with more than it needs.
 */
export function ApiUserButton({
  actionId,
  config,
  onCreate,
  onUserName,
}: {
  actionId: string;
  config: { method?: unknown; path?: unknown };
  onCreate(request: { actionId: string; method: string; path: string }): Promise<ApiUserOutcome>;
  onUserName(userName: string): void;
}) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ApiUserOutcome>();
  const method = typeof config.method === "string" ? config.method : "GET";
  const path = typeof config.path === "string" ? config.path : "";
  const create = async () => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const answer = await onCreate({ actionId, method, path });
      setOutcome(answer);
      if (answer.ok) onUserName(answer.userName);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="cfx-stack">
      <Button size="small" disabled={busy || !path.startsWith("/v1/")} onClick={() => void create()}>
        Create a user allowed only this API
      </Button>
      {outcome?.ok ? (
        <p className="cfx-muted" role="status">
          User {outcome.userName} may call {outcome.apiName} and nothing else.
        </p>
      ) : outcome ? (
        <p className="cfx-field__error" role="alert">
          {outcome.message}
        </p>
      ) : null}
    </div>
  );
}
