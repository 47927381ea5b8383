import { type KeyboardEvent, useId } from "react";
import { TextField } from "../ui/TextField.tsx";
import type { AiModel } from "./contract.ts";

export interface ModelPickerProps {
  label: string;
  value: string;
  models: readonly AiModel[];
  /** The action names its own key (`credentialsId`): models the service has no key for still run. */
  ownKey: boolean;
  /** What the action hands the model (its `imageUrl`, `videoUrl`): models that cannot take it are marked. */
  needs: { image: boolean; video: boolean };
  readOnly: boolean;
  error?: string | undefined;
  /** The label of the field for a model outside the catalogue, when two pickers share a form. */
  otherLabel?: string;
  onChange(model: string): void;
}

const providerNames: Record<string, string> = {
  openai: "OpenAI",
  azure: "Azure OpenAI",
  bedrock: "Amazon Bedrock",
  google: "Google Gemini",
  "openai-compatible": "OpenAI-compatible server",
};

/** Models grouped by provider, in the catalogue's order. */
function groupByProvider(models: readonly AiModel[]): { provider: string; models: AiModel[] }[] {
  const groups = new Map<string, AiModel[]>();
  for (const model of models) groups.set(model.provider, [...(groups.get(model.provider) ?? []), model]);
  return [...groups].map(([provider, grouped]) => ({ provider, models: grouped }));
}

function creditsText(credits: number): string {
  return `${credits} credit${credits === 1 ? "" : "s"} per request`;
}

/**
 * The catalogue as a listbox grouped by provider: what each model takes and costs, and which need
 * the operator's own key. A native select cannot show icons or badges in its options, so this is an
 * ARIA listbox; as in a select, the arrow keys move the choice. A model outside the catalogue (one
 * an operator's own key reaches) is typed below.
 */
export function ModelPicker(props: ModelPickerProps) {
  const id = useId();
  const groups = groupByProvider(props.models);
  const flat = groups.flatMap((group) => group.models);
  const current = flat.find((model) => model.model === props.value);
  const optionId = (model: AiModel) => `${id}-${flat.indexOf(model)}`;
  const choose = (model: AiModel | undefined) => {
    if (model && !props.readOnly && model.model !== props.value) props.onChange(model.model);
  };
  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = current ? flat.indexOf(current) : -1;
    const target: Record<string, number> = {
      ArrowDown: Math.min(index + 1, flat.length - 1),
      ArrowUp: Math.max(index - 1, 0),
      Home: 0,
      End: flat.length - 1,
    };
    const next = target[event.key];
    if (next === undefined) return;
    event.preventDefault();
    choose(flat[next]);
    document.getElementById(`${id}-${next}`)?.scrollIntoView?.({ block: "nearest" });
  };
  const lacking = (model: AiModel) =>
    props.needs.image && !model.image ? "images" : props.needs.video && !model.video ? "videos" : undefined;
  const problem =
    props.error ??
    (current && lacking(current)
      ? `${current.label} takes no ${lacking(current)}: the action would fail with ai_model_capability.`
      : current && !current.available && !props.ownKey
        ? `The service has no key for ${providerNames[current.provider] ?? current.provider}: choose your own key in Credentials.`
        : undefined);

  return (
    <div className="cfx-field cfx-model-picker">
      <span className="cfx-field__label" id={`${id}-label`}>
        {props.label}
      </span>
      <div
        role="listbox"
        className="cfx-model-picker__list"
        aria-labelledby={`${id}-label`}
        aria-describedby={problem ? `${id}-message` : undefined}
        aria-invalid={props.error ? true : undefined}
        aria-disabled={props.readOnly || undefined}
        aria-activedescendant={current ? optionId(current) : undefined}
        tabIndex={0}
        onKeyDown={move}
      >
        {groups.map((group) => (
          // biome-ignore lint/a11y/useSemanticElements: a listbox's groups are role=group; a fieldset does not belong in a listbox
          <div role="group" key={group.provider} aria-labelledby={`${id}-${group.provider}`}>
            <div className="cfx-model-picker__provider" id={`${id}-${group.provider}`} role="presentation">
              {providerNames[group.provider] ?? group.provider}
            </div>
            {group.models.map((model) => (
              // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/useFocusableInteractive: the listbox keeps the focus and takes the keys; aria-activedescendant points at the chosen option
              <div
                key={model.model}
                id={optionId(model)}
                role="option"
                aria-selected={model === current}
                className="cfx-model-picker__option"
                onClick={() => choose(model)}
              >
                <span className="cfx-model-picker__name">{model.label}</span>
                <span className="cfx-model-picker__facts">
                  {model.image ? <Capability kind="image" /> : null}
                  {model.video ? <Capability kind="video" /> : null}
                  {model.image || model.video ? null : <span className="cfx-muted">text only</span>}
                  <span>{creditsText(model.credits)}</span>
                  {model.available ? null : (
                    <span className="cfx-badge cfx-badge--warning">needs your own key</span>
                  )}
                  {lacking(model) ? (
                    <span className="cfx-badge cfx-badge--failed">takes no {lacking(model)}</span>
                  ) : null}
                </span>
              </div>
            ))}
          </div>
        ))}
      </div>
      {problem ? (
        <span className="cfx-field__error" id={`${id}-message`} role="alert">
          {problem}
        </span>
      ) : null}
      <TextField
        label={props.otherLabel ?? "Other model (<provider>/<model id>)"}
        hint="A model outside this list runs on your own key."
        value={current ? "" : props.value}
        readOnly={props.readOnly}
        onChange={(event) => props.onChange(event.target.value.trim())}
      />
    </div>
  );
}

const capabilityText = { image: "Takes images", video: "Takes videos" };

/** An icon with its text alternative: screen readers read the words, the title shows them on hover. */
function Capability({ kind }: { kind: "image" | "video" }) {
  return (
    <span className="cfx-model-picker__capability" role="img" aria-label={capabilityText[kind]}>
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
        <title>{capabilityText[kind]}</title>
        {kind === "image" ? (
          <path
            d="M2 3h12v10H2zM3 12l3.5-4 2.5 3 1.5-1.5L13 12z"
            fill="currentColor"
            fillRule="evenodd"
            stroke="currentColor"
            strokeWidth="0.6"
          />
        ) : (
          <path d="M1.5 4h9v8h-9zM11 7l3.5-2.5v7L11 9z" fill="currentColor" />
        )}
      </svg>
    </span>
  );
}
