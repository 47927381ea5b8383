import type { ButtonHTMLAttributes } from "react";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "default" | "primary" | "danger" | "ghost";
  size?: "normal" | "small";
}

/** The one button; `type` defaults to "button" so a button in a form submits only when asked to. */
export function Button({ variant = "default", size = "normal", className, type, ...rest }: ButtonProps) {
  const classes = [
    "cfx-button",
    `cfx-button--${variant}`,
    size === "small" && "cfx-button--small",
    className,
  ];
  return <button type={type ?? "button"} className={classes.filter(Boolean).join(" ")} {...rest} />;
}
