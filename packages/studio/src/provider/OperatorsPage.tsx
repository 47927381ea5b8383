import { type FormEvent, useState } from "react";
import type { OperatorStatus } from "../service/service-api.ts";
import { Link } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Select } from "../ui/Select.tsx";
import { StatusBadge, Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { SecondsTime } from "../ui/Time.tsx";
import { operatorStatuses } from "./operator-status.ts";
import { type ProviderOperator, useProviderApi } from "./provider-api.ts";
import { providerPathOf } from "./provider-routes.ts";

const pageSize = 50;

/** Every operator of the service, found by id or e-mail and filtered by status; pages of 50. */
export function OperatorsPage() {
  const api = useProviderApi();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<OperatorStatus | "">("");
  const [more, setMore] = useState<{ operators: ProviderOperator[]; nextCursor?: string }>();
  const first = useLoad(async () => {
    setMore(undefined);
    return api.listOperators({ search, status, limit: pageSize });
  }, [api, search, status]);
  const loadingMore = useAction();
  const operators = [...(first.data?.operators ?? []), ...(more?.operators ?? [])];
  const nextCursor = more ? more.nextCursor : first.data?.nextCursor;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch(typed.trim());
  };
  const loadMore = () =>
    loadingMore.run(async () => {
      if (!nextCursor) return;
      const page = await api.listOperators({ search, status, limit: pageSize, cursor: nextCursor });
      setMore({
        operators: [...(more?.operators ?? []), ...page.operators],
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      });
    });

  return (
    <Page title="Operators">
      <form className="cfx-row cfx-filters" onSubmit={submit} aria-label="Find operators">
        <TextField
          label="Search"
          hint="Operator id or e-mail, any part."
          type="search"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
        <Select
          label="Status"
          value={status}
          options={[{ value: "", label: "Any" }, ...operatorStatuses]}
          onChange={(event) => setStatus(event.target.value as OperatorStatus | "")}
        />
        <Button type="submit">Search</Button>
      </form>
      {first.error ? <ErrorBanner error={first.error} onRetry={first.reload} /> : null}
      {loadingMore.error ? (
        <ErrorBanner error={loadingMore.error} onDismiss={loadingMore.clearError} />
      ) : null}
      <Table
        caption="Operators"
        rows={operators}
        rowKey={(operator) => operator.operatorId}
        empty={first.loading ? "Loading…" : "No operator matches."}
        columns={[
          {
            header: "Operator",
            cell: (operator) => (
              <Link to={providerPathOf({ page: "operator", operatorId: operator.operatorId })}>
                {operator.operatorId}
              </Link>
            ),
          },
          { header: "E-mail", cell: (operator) => operator.email },
          { header: "Status", cell: (operator) => <StatusBadge status={operator.status} /> },
          { header: "Reason", cell: (operator) => operator.statusReason ?? "" },
          { header: "Partner", cell: (operator) => operator.partnerOperatorId ?? "" },
          { header: "Signed up", cell: (operator) => <SecondsTime value={operator.createDateTime} /> },
        ]}
      />
      {nextCursor ? (
        <div className="cfx-row">
          <Button onClick={() => void loadMore()} disabled={loadingMore.busy}>
            More operators
          </Button>
        </div>
      ) : null}
    </Page>
  );
}
