import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";
import { Button } from "./Button.tsx";

interface ToastItem {
  id: number;
  text: string;
  kind: "info" | "error";
}

interface Toasts {
  show(text: string, kind?: ToastItem["kind"]): void;
}

const ToastContext = createContext<Toasts>({ show: () => {} });

export function useToast(): Toasts {
  return useContext(ToastContext);
}

/** Short confirmations ("App deleted") and errors of actions that have no field to point at. */
export function ToastProvider({ children, timeoutMs = 6_000 }: { children: ReactNode; timeoutMs?: number }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((item) => item.id !== id)), []);
  const show = useCallback(
    (text: string, kind: ToastItem["kind"] = "info") => {
      const id = next.current++;
      setItems((all) => [...all.slice(-3), { id, text, kind }]);
      // Errors stay until dismissed: a person may need time to read them.
      if (kind === "info") setTimeout(() => dismiss(id), timeoutMs);
    },
    [dismiss, timeoutMs],
  );
  const value = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="cfx-toasts" aria-live="polite">
        {items.map((item) => (
          <div
            key={item.id}
            className={`cfx-toast cfx-toast--${item.kind}`}
            role={item.kind === "error" ? "alert" : "status"}
          >
            <span className="cfx-toast__text">{item.text}</span>
            <Button size="small" variant="ghost" onClick={() => dismiss(item.id)} aria-label="Dismiss">
              ✕
            </Button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
