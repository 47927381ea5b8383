import { type AppTemplate, appTemplates } from "./templates.ts";

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** The "New app" dialog's choice of a starting point: blank or one of the docs' examples. */
export function TemplateGallery({
  chosen,
  onChoose,
}: {
  chosen: AppTemplate;
  onChoose(template: AppTemplate): void;
}) {
  return (
    <fieldset className="cfx-template-gallery">
      <legend className="cfx-field__label">Start from</legend>
      {appTemplates.map((template) => (
        <label key={template.id} className="cfx-template">
          <input
            type="radio"
            name="cfx-app-template"
            value={template.id}
            checked={template === chosen}
            onChange={() => onChoose(template)}
          />
          <span className="cfx-template__title">{template.title}</span>
          <span className="cfx-template__description">{template.description}</span>
          {template.definition.channels.length + template.definition.actions.length > 0 ? (
            <span className="cfx-template__shape">
              {count(template.definition.channels.length, "channel")},{" "}
              {count(template.definition.actions.length, "action")}
            </span>
          ) : null}
        </label>
      ))}
    </fieldset>
  );
}
