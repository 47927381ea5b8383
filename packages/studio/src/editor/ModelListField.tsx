import { aiModel } from "@conflux/core";
import { useEffect, useRef, useState } from "react";
import { Button } from "../ui/Button.tsx";
import { TextField } from "../ui/TextField.tsx";
import type { AiModel } from "./contract.ts";
import { ModelPicker, type ModelPickerProps } from "./ModelPicker.tsx";

export interface ModelListFieldProps {
  label: string;
  value: readonly string[];
  /** The catalogue; without it a model to add is typed. */
  models: readonly AiModel[] | undefined;
  /** Models not offered again (the action's own model). */
  exclude: readonly string[];
  max: number | undefined;
  ownKey: ModelPickerProps["ownKey"];
  needs: ModelPickerProps["needs"];
  readOnly: boolean;
  error?: string | undefined;
  onChange(models: string[]): void;
}

type Focus = { index: number; control: "up" | "down" | "remove" } | "picker";

/**
 * Models tried one after another, in order: each can be moved up or down and removed with buttons,
 * and a model is added with the model picker. A screen reader hears where a moved model went.
 */
export function ModelListField(props: ModelListFieldProps) {
  const { value, max } = props;
  const [adding, setAdding] = useState("");
  const [said, setSaid] = useState("");
  const [focus, setFocus] = useState<Focus>();
  const list = useRef<HTMLOListElement>(null);
  const picker = useRef<HTMLDivElement>(null);
  const nameOf = (model: string) => props.models?.find((known) => known.model === model)?.label ?? model;
  const full = max !== undefined && value.length >= max;
  const addable = adding !== "" && aiModel.safeParse(adding).success && !value.includes(adding);

  // A button that moved with its model, or disappeared with it, hands the focus on, never to <body>.
  useEffect(() => {
    if (focus === undefined) return;
    setFocus(undefined);
    if (focus === "picker") {
      picker.current?.querySelector<HTMLElement>('[role="listbox"], input')?.focus();
      return;
    }
    const buttons = [...(list.current?.children[focus.index]?.querySelectorAll("button") ?? [])];
    const wanted = buttons.find((button) => button.dataset.control === focus.control);
    const target = wanted && !wanted.disabled ? wanted : buttons.find((button) => !button.disabled);
    target?.focus();
  }, [focus]);

  const move = (index: number, by: -1 | 1) => {
    const next = [...value];
    const [model] = next.splice(index, 1);
    if (model === undefined) return;
    next.splice(index + by, 0, model);
    props.onChange(next);
    setSaid(`${nameOf(model)} moved to position ${index + by + 1} of ${next.length}.`);
    setFocus({ index: index + by, control: by < 0 ? "up" : "down" });
  };
  const remove = (index: number) => {
    const model = value[index] ?? "";
    const next = value.filter((_, i) => i !== index);
    props.onChange(next);
    setSaid(`${nameOf(model)} removed.`);
    setFocus(next.length ? { index: Math.min(index, next.length - 1), control: "remove" } : "picker");
  };
  const add = () => {
    if (!addable) return;
    const next = [...value, adding];
    props.onChange(next);
    setSaid(`${nameOf(adding)} added as fallback ${next.length}.`);
    setAdding("");
    setFocus(
      max !== undefined && next.length >= max ? { index: next.length - 1, control: "remove" } : "picker",
    );
  };

  return (
    <fieldset className="cfx-fieldset cfx-model-list">
      <legend>{props.label}</legend>
      <span className="cfx-field__hint">
        Tried in this order when the model's provider is down or overloaded
        {max === undefined ? "" : `; up to ${max}`}.
      </span>
      {value.length ? (
        <ol className="cfx-model-list__items" ref={list} aria-label={props.label}>
          {value.map((model, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the position is what a row stands for; a model may appear twice in an imported app
            <li key={index} className="cfx-model-list__item">
              <span className="cfx-model-list__name">
                {nameOf(model)}
                {nameOf(model) === model ? null : <span className="cfx-mono cfx-muted"> {model}</span>}
              </span>
              {props.readOnly ? null : (
                <span className="cfx-model-list__buttons">
                  <Button
                    size="small"
                    variant="ghost"
                    data-control="up"
                    aria-label={`Move ${nameOf(model)} up`}
                    disabled={index === 0}
                    onClick={() => move(index, -1)}
                  >
                    Up
                  </Button>
                  <Button
                    size="small"
                    variant="ghost"
                    data-control="down"
                    aria-label={`Move ${nameOf(model)} down`}
                    disabled={index === value.length - 1}
                    onClick={() => move(index, 1)}
                  >
                    Down
                  </Button>
                  <Button
                    size="small"
                    variant="ghost"
                    data-control="remove"
                    aria-label={`Remove ${nameOf(model)}`}
                    onClick={() => remove(index)}
                  >
                    Remove
                  </Button>
                </span>
              )}
            </li>
          ))}
        </ol>
      ) : (
        <p className="cfx-muted">No fallback models: when the model's provider is down, the action fails.</p>
      )}
      {props.readOnly ? null : full ? (
        <span className="cfx-field__hint">That is as many as an action can have.</span>
      ) : (
        <div className="cfx-model-list__add" ref={picker}>
          {props.models?.length ? (
            <ModelPicker
              label="Fallback model to add"
              value={adding}
              models={props.models.filter(
                (model) => !value.includes(model.model) && !props.exclude.includes(model.model),
              )}
              otherLabel="Other fallback model to add (<provider>/<model id>)"
              ownKey={props.ownKey}
              needs={props.needs}
              readOnly={false}
              onChange={setAdding}
            />
          ) : (
            <TextField
              label="Fallback model to add"
              hint="<provider>/<model id>, e.g. openai/gpt-4.1-mini"
              value={adding}
              onChange={(event) => setAdding(event.target.value.trim())}
            />
          )}
          <Button size="small" disabled={!addable} onClick={add}>
            Add fallback model
          </Button>
        </div>
      )}
      {props.error ? (
        <span className="cfx-field__error" role="alert">
          {props.error}
        </span>
      ) : null}
      <span className="cfx-visually-hidden" role="status">
        {said}
      </span>
    </fieldset>
  );
}
