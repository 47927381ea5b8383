import { useSession } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Notice } from "../ui/Notice.tsx";
import { SecondsTime } from "../ui/Time.tsx";
import { type MaintenanceWindow, type ServiceNotice, useServiceApi } from "./service-api.ts";

const toneOf = { info: "info", warning: "warning", critical: "critical" } as const;

function NoticeLine({ notice }: { notice: ServiceNotice }) {
  return (
    <Notice tone={toneOf[notice.severity]}>
      <strong>{notice.title}</strong> {notice.body}
      {notice.endsDateTime ? (
        <span className="cfx-muted">
          {" "}
          (until <SecondsTime value={notice.endsDateTime} />)
        </span>
      ) : null}
    </Notice>
  );
}

function MaintenanceLine({ window }: { window: MaintenanceWindow }) {
  return (
    <Notice tone="warning">
      <strong>Maintenance: {window.title}</strong> from <SecondsTime value={window.startsDateTime} /> to{" "}
      <SecondsTime value={window.endsDateTime} />. Devices and apps keep sending; runs catch up afterwards.
      {window.body ? ` ${window.body}` : null}
    </Notice>
  );
}

/**
 * The provider's current and upcoming notices and maintenance windows, above every console page. A
 * failure to load them shows nothing: the page itself matters more than a notice about it.
 */
export function NoticesBanner() {
  const api = useServiceApi();
  // Notices may be for chosen operators: another session (a partner acting as a customer) loads its own.
  const { operatorId } = useSession();
  const notices = useLoad(() => api.listNotices(), [api, operatorId]);
  const { notices: list = [], maintenance = [] } = notices.data ?? {};
  if (list.length === 0 && maintenance.length === 0) return null;
  return (
    <section className="cfx-stack" aria-label="Notices from the provider">
      {list.map((notice) => (
        <NoticeLine key={notice.noticeId} notice={notice} />
      ))}
      {maintenance.map((window) => (
        <MaintenanceLine key={window.maintenanceId} window={window} />
      ))}
    </section>
  );
}
